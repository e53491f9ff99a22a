package io.controlplane.domain;

/**
 * An operator's limit on the jobs that may run at once against one organisation ({@link
 * Organisations}: an Azure DevOps organisation, a TFS collection, a git host's owner), whichever
 * tenant's they are: its rate limits are shared by every job that touches it.
 */
public record OrganisationLimit(String key, int maxConcurrentJobs) {

    public static final int MAX = 100_000;

    public OrganisationLimit {
        if (!Organisations.isKey(key)) {
            throw new IllegalArgumentException("not an organisation key: " + key);
        }
        if (maxConcurrentJobs < 1 || maxConcurrentJobs > MAX) {
            throw new IllegalArgumentException("maxConcurrentJobs must be 1 to " + MAX + ", was " + maxConcurrentJobs);
        }
    }
}
