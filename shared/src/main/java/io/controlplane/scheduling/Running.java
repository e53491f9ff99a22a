package io.controlplane.scheduling;

import java.util.Map;

/**
 * A region's running jobs (leases held) as the dispatcher sees them: per tenant (fair share), per
 * organisation a job touches (organisation limits and throttles), and per tenant and organisation
 * ({@link #tenantOrganisation}: a tenant's own limits).
 */
public record Running(Map<String, Integer> byTenant, Map<String, Integer> byOrganisation, Map<String, Integer> byTenantOrganisation) {

    public Running {
        byTenant = Map.copyOf(byTenant);
        byOrganisation = Map.copyOf(byOrganisation);
        byTenantOrganisation = Map.copyOf(byTenantOrganisation);
    }

    public Running(Map<String, Integer> byTenant, Map<String, Integer> byOrganisation) {
        this(byTenant, byOrganisation, Map.of());
    }

    public static Running none() {
        return new Running(Map.of(), Map.of(), Map.of());
    }

    /** The key of {@link #byTenantOrganisation}: a tenant's jobs against one organisation (a tenant id has no '|'). */
    public static String tenantOrganisation(String tenantId, String organisation) {
        return tenantId + "|" + organisation;
    }
}
