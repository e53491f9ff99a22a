package io.controlplane.domain;

/**
 * The tenant already has as many unfinished jobs as its entitlement allows; a slot frees when one
 * of them completes, fails or is cancelled.
 */
public final class QuotaExceededException extends DomainException {

    private final int maxConcurrentJobs;

    public QuotaExceededException(String tenantId, int maxConcurrentJobs) {
        super("Tenant " + tenantId + " already has " + maxConcurrentJobs + " unfinished job(s), its maximum; submit again when one"
                + " completes, fails or is cancelled.");
        this.maxConcurrentJobs = maxConcurrentJobs;
    }

    public int maxConcurrentJobs() {
        return maxConcurrentJobs;
    }
}
