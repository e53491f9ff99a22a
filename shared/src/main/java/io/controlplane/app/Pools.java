package io.controlplane.app;

import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.ports.TenantStore;
import io.controlplane.scheduling.PoolDirectory;
import io.controlplane.scheduling.Running;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tenants' entitlements and the pool directory made from them, with the organisations' limits and
 * throttles, cached briefly (they change by operator or tenant action, and throttles by agents'
 * reports; this instance forgets them at once when one is changed here, the region's dispatcher
 * when it hears of a throttle, other instances within the TTL).
 */
final class Pools {

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
    public Optional<TenantEntitlement> entitlement(String tenantId) {
        return Optional.ofNullable(snapshot().entitlements().get(tenantId));
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
        Map<String, Set<String>> envPools = new HashMap<>();
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
        Map<String, Integer> tenantLimits = new HashMap<>();
        tenants.tenantLimits().forEach(l -> tenantLimits.put(Running.tenantOrganisation(l.tenantId(), l.key()),
                l.maxConcurrentJobs()));
        Map<String, OrganisationThrottle> throttles = new HashMap<>();
        tenants.throttles().stream().filter(t -> !t.overAt(now)).forEach(t -> throttles.put(t.key(), t));
        cached = new Snapshot(new PoolDirectory(ownerByPool, poolByTenant, envPools, weights, organisationLimits(), tenantLimits,
                throttles), Map.copyOf(entitlements));
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
