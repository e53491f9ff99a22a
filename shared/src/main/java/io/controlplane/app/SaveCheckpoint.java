package io.controlplane.app;

import io.controlplane.domain.Checkpoint;
import io.controlplane.ports.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The lease holder writes a checkpoint. It is stored in the job's partition in one transaction with
 * the job row, conditional on the job version the lease was checked against: a checkpoint can
 * never land after the lease was lost, so a replaced agent cannot overwrite its successor's.
 */
public final class SaveCheckpoint {

    private final JobStore jobs;
    private final LeaseAccess leases;
    private final Clock clock;

    public SaveCheckpoint(JobStore jobs, LeaseAccess leases, Clock clock) {
        this.jobs = jobs;
        this.leases = leases;
        this.clock = clock;
    }

    public Checkpoint save(Caller caller, String leaseId, String name, Checkpoint.Kind kind, Object data) {
        return leases.apply(caller, leaseId, job -> {
            Instant now = clock.instant();
            Checkpoint checkpoint = new Checkpoint(job.id(), name, kind, data, job.epoch(), now);
            leases.remember(jobs.update(job.checkpointed(now), List.of(), List.of(checkpoint)));
            return checkpoint;
        }).result();
    }
}
