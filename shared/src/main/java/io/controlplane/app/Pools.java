package io.controlplane.app;

import io.controlplane.domain.TenantEntitlement;
import io.controlplane.ports.TenantStore;
import io.controlplane.scheduling.PoolDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The pool directory from tenants' entitlements, cached briefly (it changes only by operator action). */
public final class Pools {

    private static final Duration TTL = Duration.ofSeconds(30);

    private final TenantStore tenants;
    private final Clock clock;
    private volatile PoolDirectory cached;
    private volatile Instant loadedAt = Instant.MIN;

    public Pools(TenantStore tenants, Clock clock) {
        this.tenants = tenants;
        this.clock = clock;
    }

    public PoolDirectory directory() {
        Instant now = clock.instant();
        PoolDirectory current = cached;
        if (current != null && loadedAt.plus(TTL).isAfter(now)) {
            return current;
        }
        Map<String, String> ownerByPool = new HashMap<>();
        Map<String, String> poolByTenant = new HashMap<>();
        for (TenantEntitlement t : tenants.list()) {
            if (t.dedicatedPool() != null) {
                ownerByPool.put(t.dedicatedPool(), t.tenantId());
                poolByTenant.put(t.tenantId(), t.dedicatedPool());
            }
        }
        cached = new PoolDirectory(ownerByPool, poolByTenant);
        loadedAt = now;
        return cached;
    }

    /** Forget the cache (after an operator changed an entitlement here). */
    public void invalidate() {
        cached = null;
    }
}
