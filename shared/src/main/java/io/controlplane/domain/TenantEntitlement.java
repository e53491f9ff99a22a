package io.controlplane.domain;

import java.util.Set;

/**
 * What an operator granted a tenant: the highest tier it may submit, the regions it may use, its
 * dedicated agent pool (null when it shares the common pools) and its concurrent job quota. No
 * regions means every region the deployment serves.
 */
public record TenantEntitlement(String tenantId, Tier maxTier, Set<String> regions, String dedicatedPool, int maxConcurrentJobs) {

    public TenantEntitlement {
        regions = Set.copyOf(regions);
    }

    /**
     * Refuses a job above the tenant's tier or outside its regions, naming both what was asked and
     * what is granted.
     *
     * @throws NotEntitledException when the entitlement does not cover the spec
     */
    public void admit(JobSpec spec) {
        if (spec.tier().rank() > maxTier.rank()) {
            throw new NotEntitledException("Tenant " + tenantId + " is entitled to tier " + maxTier
                    + " and below; the job asks for " + spec.tier() + ".");
        }
        if (!regions.isEmpty() && !regions.contains(spec.region())) {
            throw new NotEntitledException("Tenant " + tenantId + " is entitled to regions " + regions.stream().sorted().toList()
                    + "; the job asks for " + spec.region() + ".");
        }
    }
}
