package io.controlplane.scheduling;

import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.TenantEntitlement;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which pools are dedicated to which tenant (every pool not listed is shared), and, for each
 * tenant with an entitlement, the pools that may run its jobs with {@code env:} references and its
 * fair-share weight; and the organisations' limits on concurrent jobs: the operators' (whoever's
 * jobs), the tenants' own ({@link Running#tenantOrganisation} keys) and the throttles the
 * organisations asked for ({@link OrganisationGate} applies them).
 */
public record PoolDirectory(Map<String, String> ownerByPool, Map<String, String> poolByTenant,
                            Map<String, Set<String>> envPoolsByTenant, Map<String, Integer> weightByTenant,
                            Map<String, Integer> limitByOrganisation, Map<String, Integer> limitByTenantOrganisation,
                            Map<String, OrganisationThrottle> throttleByOrganisation) {

    public PoolDirectory {
        ownerByPool = Map.copyOf(ownerByPool);
        poolByTenant = Map.copyOf(poolByTenant);
        envPoolsByTenant = Map.copyOf(envPoolsByTenant);
        weightByTenant = Map.copyOf(weightByTenant);
        limitByOrganisation = Map.copyOf(limitByOrganisation);
        limitByTenantOrganisation = Map.copyOf(limitByTenantOrganisation);
        throttleByOrganisation = Map.copyOf(throttleByOrganisation);
    }

    public PoolDirectory(Map<String, String> ownerByPool, Map<String, String> poolByTenant,
                         Map<String, Set<String>> envPoolsByTenant, Map<String, Integer> weightByTenant,
                         Map<String, Integer> limitByOrganisation) {
        this(ownerByPool, poolByTenant, envPoolsByTenant, weightByTenant, limitByOrganisation, Map.of(), Map.of());
    }

    /** The most of the tenant's own jobs that may run at once against the organisation (the tenant's limit), if any. */
    public OptionalInt tenantLimitOf(String tenantId, String organisation) {
        Integer limit = limitByTenantOrganisation.get(Running.tenantOrganisation(tenantId, organisation));
        return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    /** The organisation's throttle, if it reported one that is not over. */
    public Optional<OrganisationThrottle> throttleOf(String organisation) {
        return Optional.ofNullable(throttleByOrganisation.get(organisation));
    }

    public PoolDirectory(Map<String, String> ownerByPool, Map<String, String> poolByTenant,
                         Map<String, Set<String>> envPoolsByTenant, Map<String, Integer> weightByTenant) {
        this(ownerByPool, poolByTenant, envPoolsByTenant, weightByTenant, Map.of());
    }

    /** The most jobs that may run at once against the organisation (an operator's limit), if any. */
    public OptionalInt limitOf(String organisation) {
        Integer limit = limitByOrganisation.get(organisation);
        return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    public PoolDirectory(Map<String, String> ownerByPool, Map<String, String> poolByTenant,
                         Map<String, Set<String>> envPoolsByTenant) {
        this(ownerByPool, poolByTenant, envPoolsByTenant, Map.of(), Map.of());
    }

    public PoolDirectory(Map<String, String> ownerByPool, Map<String, String> poolByTenant) {
        this(ownerByPool, poolByTenant, Map.of());
    }

    /** The tenant's fair-share weight (its entitlement's; 1 without one). */
    public int weightOf(String tenantId) {
        return weightByTenant.getOrDefault(tenantId, TenantEntitlement.DEFAULT_WEIGHT);
    }

    public static PoolDirectory shared() {
        return new PoolDirectory(Map.of(), Map.of());
    }

    /**
     * Whether an agent of {@code pool} may resolve the tenant's {@code env:} references: a tenant with
     * an entitlement only in the pools it names; one without (a single-tenant deployment) anywhere.
     */
    public boolean mayResolveEnv(String tenantId, String pool) {
        Set<String> pools = envPoolsByTenant.get(tenantId);
        return pools == null || pool != null && pools.contains(pool);
    }

    public Optional<String> ownerOf(String pool) {
        return Optional.ofNullable(pool == null ? null : ownerByPool.get(pool));
    }

    public Optional<String> dedicatedPoolOf(String tenantId) {
        return Optional.ofNullable(poolByTenant.get(tenantId));
    }
}
