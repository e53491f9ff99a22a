package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent completes or fails its leased job. A retryable failure within the job's retry limit
 * goes back to the queue after an exponential back-off; otherwise the job is Failed. Either way
 * the agent's slot is freed.
 */
public final class FinishJob {

    private static final Logger LOG = LoggerFactory.getLogger(FinishJob.class);

    private final JobStore jobs;
    private final LeaseAccess leases;
    private final AgentRecords agents;
    private final Requeue requeue;
    private final ReportProgress progress;
    private final ReadySignal signal;
    private final DispatchSettings settings;
    private final Clock clock;

    public FinishJob(JobStore jobs, LeaseAccess leases, AgentRecords agents, Requeue requeue, ReportProgress progress,
                     ReadySignal signal, DispatchSettings settings, Clock clock) {
        this.jobs = jobs;
        this.leases = leases;
        this.agents = agents;
        this.requeue = requeue;
        this.progress = progress;
        this.signal = signal;
        this.settings = settings;
        this.clock = clock;
    }

    public Job complete(Caller caller, String leaseId) {
        for (int attempt = 1; ; attempt++) {
            Job job = leases.check(caller, leaseId);
            Instant now = clock.instant();
            List<HistoryEntry> entries = new ArrayList<>();
            Job current = job;
            if (current.state() == JobState.Assigned) {
                Job.Transition started = current.start(now);
                entries.add(started.entry());
                current = started.job();
            }
            Job.Transition done = current.complete(now);
            entries.add(done.entry());
            Job stored;
            try {
                stored = jobs.update(done.job(), entries);
            } catch (ConcurrencyConflictException raced) {
                // A heartbeat or progress write changed the job since the check: check and apply again.
                if (attempt >= AgentRecords.MAX_ATTEMPTS) {
                    throw raced;
                }
                continue;
            }
            progress.discard(job.tenantId(), job.id());
            releaseSlot(job, leaseId);
            LOG.info("event=completed jobId={} tenant={} tier={} region={} agentId={} epoch={}", job.id(), job.tenantId(),
                    job.spec().tier(), job.spec().region(), job.agentId(), job.epoch());
            return stored;
        }
    }

    public Job fail(Caller caller, String leaseId, String error, boolean retryable) {
        for (int attempt = 1; ; attempt++) {
            Job job = leases.check(caller, leaseId);
            Instant now = clock.instant();
            Job.Transition failed = job.fail(now, error, retryable);
            Job stored;
            try {
                if (failed.job().state() == JobState.Queued) {
                    Instant notBefore = now.plus(settings.backoff(failed.job().failures()));
                    stored = requeue.enqueue(failed.job(), List.of(failed.entry()), notBefore, false);
                } else {
                    stored = jobs.update(failed.job(), List.of(failed.entry()));
                }
            } catch (ConcurrencyConflictException raced) {
                if (attempt >= AgentRecords.MAX_ATTEMPTS) {
                    throw raced;
                }
                continue;
            }
            progress.discard(job.tenantId(), job.id());
            releaseSlot(job, leaseId);
            LOG.info("event=failed jobId={} tenant={} region={} agentId={} retryable={} state={} failures={}", job.id(),
                    job.tenantId(), job.spec().region(), job.agentId(), retryable, stored.state(), stored.failures());
            return stored;
        }
    }

    private void releaseSlot(Job job, String leaseId) {
        agents.find(job.agentId()).ifPresent(agent -> {
            agents.modify(agent, a -> a.lease(leaseId).isPresent() ? a.withoutLease(leaseId) : a);
            signal.signal(agent.region());
        });
    }
}
