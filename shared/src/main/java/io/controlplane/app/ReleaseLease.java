package io.controlplane.app;

import io.controlplane.domain.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent gives a job back after writing its final checkpoint: because it was asked to
 * (preempt → back to the queue, counted as a preemption; pause → Paused) or because it is shutting
 * down (back to the queue, uncounted). Checkpoints and mappings stay; the slot is freed.
 */
public final class ReleaseLease {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseLease.class);

    private final LeaseEnd end;

    ReleaseLease(LeaseEnd end) {
        this.end = end;
    }

    public Job release(Caller caller, String leaseId, String reason) {
        LeaseAccess.Applied<Job> released = end.end(caller, leaseId,
                (current, now) -> end.store(current.release(now, reason), null));
        Job job = released.checked();
        Job stored = released.result();
        LOG.info("event=released jobId={} tenant={} region={} agentId={} epoch={} reason={} state={}", job.id(),
                job.tenantId(), job.spec().region(), job.agentId(), job.epoch(), reason, stored.state());
        return stored;
    }
}
