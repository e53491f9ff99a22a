package io.controlplane.ports;

import io.controlplane.domain.Tier;

/**
 * "This job is ready for dispatch": published after a job is stored (or requeued) on its tier's
 * intake queue, in its region's session. Carries ids only, never the spec.
 *
 * <p>{@code epoch} is the job's fencing epoch when it was queued (0 for a new job): it grows with
 * every assignment, so a job requeued after a lease is announced with a higher one. Together with the
 * job id it names the announcement ({@link #messageId()}), which is what Service Bus duplicate
 * detection compares: the same announcement sent twice is dropped, a requeued job's new one is not.
 * Bodies written before the field existed decode with epoch 0.
 */
public record IntakeMessage(String region, Tier tier, String tenantId, String jobId, long epoch) {

    /** An announcement of a job that was never assigned (epoch 0). */
    public IntakeMessage(String region, Tier tier, String tenantId, String jobId) {
        this(region, tier, tenantId, jobId, 0);
    }

    /** {@code jobId:epoch}: one id per queueing of a job, for duplicate detection. */
    public String messageId() {
        return jobId + ":" + epoch;
    }
}
