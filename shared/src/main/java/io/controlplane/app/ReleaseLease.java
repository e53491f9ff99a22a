package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent gives a job back after writing its final checkpoint: because it was asked to
 * (preempt → back to the queue, counted as a preemption; pause → Paused) or because it is shutting
 * down (back to the queue, uncounted). Checkpoints and mappings stay; the slot is freed.
 */
public final class ReleaseLease {

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseLease.class);

    private final JobStore jobs;
    private final LeaseAccess leases;
    private final AgentRecords agents;
    private final Requeue requeue;
    private final ReportProgress progress;
    private final ReadySignal signal;
    private final SlotRelease slots;
    private final DispatchSettings settings;
    private final Clock clock;

    public ReleaseLease(JobStore jobs, LeaseAccess leases, AgentRecords agents, Requeue requeue, ReportProgress progress,
                        ReadySignal signal, DispatchSettings settings, Clock clock, SlotRelease slots) {
        this.slots = slots;
        this.settings = settings;
        this.jobs = jobs;
        this.leases = leases;
        this.agents = agents;
        this.requeue = requeue;
        this.progress = progress;
        this.signal = signal;
        this.clock = clock;
    }

    public Job release(Caller caller, String leaseId, String reason) {
        LeaseAccess.Applied<Job> released = leases.apply(caller, leaseId, job -> {
            Instant now = clock.instant();
            Job.Transition transition = progress.withLastReport(job, now).release(now, reason);
            return transition.job().state() == JobState.Queued
                    ? requeue.enqueue(transition, null)
                    : jobs.update(transition.job(), List.of(transition.entry()));
        });
        Job job = released.checked();
        Job stored = released.result();
        progress.discard(job.tenantId(), job.id());
        slots.free(job, leaseId);
        LOG.info("event=released jobId={} tenant={} region={} agentId={} epoch={} reason={} state={}", job.id(),
                job.tenantId(), job.spec().region(), job.agentId(), job.epoch(), reason, stored.state());
        return stored;
    }
}
