package io.controlplane.scheduling;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import java.util.HashMap;
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

    /**
     * The running jobs of the leases the agents hold; per tenant and organisation only when
     * {@code perTenantOrganisation} (a tenant limits its own jobs somewhere: a key made per lease).
     */
    public static Running of(Iterable<Agent> agents, boolean perTenantOrganisation) {
        Map<String, Integer> byTenant = new HashMap<>();
        Map<String, Integer> byOrganisation = new HashMap<>();
        Map<String, Integer> byTenantOrganisation = new HashMap<>();
        for (Agent agent : agents) {
            for (AgentLease lease : agent.leases()) {
                byTenant.merge(lease.tenantId(), 1, Integer::sum);
                for (String o : lease.organisations()) {
                    byOrganisation.merge(o, 1, Integer::sum);
                    if (perTenantOrganisation) {
                        byTenantOrganisation.merge(tenantOrganisation(lease.tenantId(), o), 1, Integer::sum);
                    }
                }
            }
        }
        return new Running(byTenant, byOrganisation, byTenantOrganisation);
    }

    /** The key of {@link #byTenantOrganisation}: a tenant's jobs against one organisation (a tenant id has no '|'). */
    public static String tenantOrganisation(String tenantId, String organisation) {
        return tenantId + "|" + organisation;
    }
}
