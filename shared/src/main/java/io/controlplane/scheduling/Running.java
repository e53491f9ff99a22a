package io.controlplane.scheduling;

import java.util.Map;

/**
 * A region's running jobs (leases held) as the dispatcher sees them: per tenant (fair share) and
 * per organisation a job touches (organisation limits).
 */
public record Running(Map<String, Integer> byTenant, Map<String, Integer> byOrganisation) {

    public Running {
        byTenant = Map.copyOf(byTenant);
        byOrganisation = Map.copyOf(byOrganisation);
    }

    public static Running none() {
        return new Running(Map.of(), Map.of());
    }
}
