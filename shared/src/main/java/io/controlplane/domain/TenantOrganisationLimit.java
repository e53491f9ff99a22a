package io.controlplane.domain;

/**
 * A tenant's own limit on its jobs running at once against one organisation ({@link Organisations}),
 * lower than or beside the operator's {@link OrganisationLimit}: a tenant that knows its
 * organisation's rate limits (or shares them with other tools) keeps its migrations below them.
 */
public record TenantOrganisationLimit(String tenantId, String key, int maxConcurrentJobs) {

    public TenantOrganisationLimit {
        if (!KeySafety.isTenantId(tenantId)) {
            throw new IllegalArgumentException("not a tenant id");
        }
        if (!Organisations.isKey(key)) {
            throw new IllegalArgumentException("not an organisation key: " + key);
        }
        if (maxConcurrentJobs < 1 || maxConcurrentJobs > OrganisationLimit.MAX) {
            throw new IllegalArgumentException("maxConcurrentJobs must be 1 to " + OrganisationLimit.MAX + ", was " + maxConcurrentJobs);
        }
    }
}
