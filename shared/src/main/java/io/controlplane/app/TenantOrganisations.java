package io.controlplane.app;

import io.controlplane.domain.ForbiddenException;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.TenantOrganisationLimit;
import io.controlplane.ports.TenantStore;
import io.controlplane.scheduling.PoolDirectory;
import java.time.Clock;
import java.util.List;

/**
 * The organisations as a tenant sees them: the limits it sets on its own jobs against each, and
 * the operator's limit beside it. (Whether an organisation is throttled is shown to a tenant only
 * in its own queued jobs' {@code waitingFor}: asking about any organisation must not tell who else
 * works against it.) Its own limits are applied by the dispatcher beside the operator's ({@link
 * io.controlplane.scheduling.OrganisationGate}); every instance's within {@link Pools#TTL}, this
 * one's at once.
 */
public final class TenantOrganisations {

    /**
     * One organisation for one tenant.
     *
     * @param maxConcurrentJobs the tenant's own limit, or null
     * @param operatorLimit the operator's limit (for every tenant), or null
     */
    public record Status(String key, Integer maxConcurrentJobs, Integer operatorLimit) {
    }

    private final TenantStore tenants;
    private final Pools pools;
    private final Clock clock;

    public TenantOrganisations(TenantStore tenants, Pools pools, Clock clock) {
        this.tenants = tenants;
        this.pools = pools;
        this.clock = clock;
    }

    /** The organisations the caller's tenant set a limit for, by key. */
    public List<Status> list(Caller caller) {
        String tenantId = tenantOf(caller);
        PoolDirectory directory = pools.directory();
        return tenants.tenantLimits(tenantId).stream().map(l -> status(directory, tenantId, l.key())).toList();
    }

    /** One organisation (answered whether or not anything limits it). */
    public Status get(Caller caller, String key) {
        return status(pools.directory(), tenantOf(caller), key);
    }

    /** Sets (or replaces) the caller's tenant's limit on its jobs against the organisation. */
    public Status limit(Caller caller, String key, int maxConcurrentJobs) {
        String tenantId = tenantOf(caller);
        tenants.putTenantLimit(new TenantOrganisationLimit(tenantId, key, maxConcurrentJobs));
        pools.invalidate();
        return status(pools.directory(), tenantId, key);
    }

    /** Lifts the caller's tenant's own limit; false when it had none. */
    public boolean lift(Caller caller, String key) {
        boolean had = tenants.deleteTenantLimit(tenantOf(caller), key);
        pools.invalidate();
        return had;
    }

    private Status status(PoolDirectory directory, String tenantId, String key) {
        var own = directory.tenantLimitOf(tenantId, key);
        var operator = directory.limitOf(key);
        return new Status(key, own.isPresent() ? own.getAsInt() : null, operator.isPresent() ? operator.getAsInt() : null);
    }

    private static String tenantOf(Caller caller) {
        if (caller.tenantId() == null || !KeySafety.isTenantId(caller.tenantId())) {
            throw new ForbiddenException("The caller's token names no tenant.");
        }
        return caller.tenantId();
    }
}
