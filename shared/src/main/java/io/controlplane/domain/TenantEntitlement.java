package io.controlplane.domain;

import java.util.Set;

/**
 * What an operator granted a tenant: the highest tier it may submit, the regions it may use, its
 * dedicated agent pool (null when it shares the common pools) and its concurrent job quota.
 */
public record TenantEntitlement(String tenantId, Tier maxTier, Set<String> regions, String dedicatedPool, int maxConcurrentJobs) {

    public TenantEntitlement {
        regions = Set.copyOf(regions);
    }
}
