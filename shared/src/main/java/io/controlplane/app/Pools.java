package io.controlplane.app;

import io.controlplane.domain.TenantEntitlement;
import io.controlplane.ports.TenantStore;
import io.controlplane.scheduling.PoolDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Tenants' entitlements and the pool directory made from them, cached briefly (they change only by
 * operator action; this instance forgets them at once when its operator changes one, other
 * instances within the TTL).
 */
public final class Pools {

    /** How stale another instance's view of an entitlement may be (a change or an erase made elsewhere). */
    public static final Duration TTL = Duration.ofSeconds(30);

    private final TenantStore tenants;
    private final Clock clock;
    private record Snapshot(PoolDirectory directory, Map<String, TenantEntitlement> entitlements) {
    }

    private volatile Snapshot cached;
    private volatile Instant loadedAt = Instant.MIN;

    public Pools(TenantStore tenants, Clock clock) {
        this.tenants = tenants;
        this.clock = clock;
    }

    public PoolDirectory directory() {
        return snapshot().directory();
    }

    /** The tenant's entitlement, if an operator granted one. */
    public java.util.Optional<TenantEntitlement> entitlement(String tenantId) {
        return java.util.Optional.ofNullable(snapshot().entitlements().get(tenantId));
    }

    private Snapshot snapshot() {
        Instant now = clock.instant();
        Snapshot current = cached;
        if (current != null && loadedAt.plus(TTL).isAfter(now)) {
            return current;
        }
        Map<String, String> ownerByPool = new HashMap<>();
        Map<String, String> poolByTenant = new HashMap<>();
        Map<String, TenantEntitlement> entitlements = new HashMap<>();
        Map<String, java.util.Set<String>> envPools = new HashMap<>();
        Map<String, Integer> weights = new HashMap<>();
        for (TenantEntitlement t : tenants.list()) {
            entitlements.put(t.tenantId(), t);
            weights.put(t.tenantId(), t.weight());
            envPools.put(t.tenantId(), t.envPools());
            if (t.dedicatedPool() != null) {
                ownerByPool.put(t.dedicatedPool(), t.tenantId());
                poolByTenant.put(t.tenantId(), t.dedicatedPool());
            }
        }
        cached = new Snapshot(new PoolDirectory(ownerByPool, poolByTenant, envPools, weights, organisationLimits()), Map.copyOf(entitlements));
        loadedAt = now;
        return cached;
    }

    private Map<String, Integer> organisationLimits() {
        Map<String, Integer> limits = new HashMap<>();
        tenants.organisations().forEach(o -> limits.put(o.key(), o.maxConcurrentJobs()));
        return limits;
    }

    /** Forget the cache (after an operator changed an entitlement here). */
    public void invalidate() {
        cached = null;
    }
}
