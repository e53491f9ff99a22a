package io.controlplane.app;

import io.controlplane.domain.ConcurrencyConflictException;
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
    private final Clock clock;

    public ReleaseLease(JobStore jobs, LeaseAccess leases, AgentRecords agents, Requeue requeue, ReportProgress progress,
                        ReadySignal signal, Clock clock) {
        this.jobs = jobs;
        this.leases = leases;
        this.agents = agents;
        this.requeue = requeue;
        this.progress = progress;
        this.signal = signal;
        this.clock = clock;
    }

    public Job release(Caller caller, String leaseId, String reason) {
        for (int attempt = 1; ; attempt++) {
            Job job = leases.check(caller, leaseId);
            Instant now = clock.instant();
            Job.Transition released = job.release(now, reason);
            Job stored;
            try {
                stored = released.job().state() == JobState.Queued
                        ? requeue.enqueue(released.job(), List.of(released.entry()), null, false)
                        : jobs.update(released.job(), List.of(released.entry()));
            } catch (ConcurrencyConflictException raced) {
                if (attempt >= AgentRecords.MAX_ATTEMPTS) {
                    throw raced;
                }
                continue;
            }
            progress.discard(job.tenantId(), job.id());
            agents.find(job.agentId()).ifPresent(agent -> {
                agents.modify(agent, a -> a.lease(leaseId).isPresent() ? a.withoutLease(leaseId) : a);
                signal.signal(agent.region());
            });
            LOG.info("event=released jobId={} tenant={} region={} agentId={} epoch={} reason={} state={}", job.id(),
                    job.tenantId(), job.spec().region(), job.agentId(), job.epoch(), reason, stored.state());
            return stored;
        }
    }
}
