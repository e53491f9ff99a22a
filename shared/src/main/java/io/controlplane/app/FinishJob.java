package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobStore;
import io.controlplane.telemetry.Telemetry;
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
    private final SlotRelease slots;
    private final DispatchSettings settings;
    private final Telemetry telemetry;
    private final Clock clock;

    public FinishJob(JobStore jobs, LeaseAccess leases, AgentRecords agents, Requeue requeue, ReportProgress progress,
                     ReadySignal signal, DispatchSettings settings, Telemetry telemetry, Clock clock, SlotRelease slots) {
        this.slots = slots;
        this.telemetry = telemetry;
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
        LeaseAccess.Applied<Job> done = leases.apply(caller, leaseId, job -> {
            Instant now = clock.instant();
            List<HistoryEntry> entries = new ArrayList<>();
            Job current = progress.withLastReport(job, now);
            if (current.state() == JobState.Assigned) {
                Job.Transition started = current.start(now);
                entries.add(started.entry());
                current = started.job();
            }
            Job.Transition completed = current.complete(now);
            entries.add(completed.entry());
            return jobs.update(completed.job(), entries);
        });
        Job job = done.checked();
        progress.discard(job.tenantId(), job.id());
        releaseSlot(job, leaseId);
        LOG.info("event=completed jobId={} tenant={} tier={} region={} agentId={} epoch={}", job.id(), job.tenantId(),
                job.spec().tier(), job.spec().region(), job.agentId(), job.epoch());
        telemetry.metrics().jobEnded(done.result());
        return done.result();
    }

    public Job fail(Caller caller, String leaseId, String error, boolean retryable) {
        LeaseAccess.Applied<Job> failed = leases.apply(caller, leaseId, job -> {
            Instant now = clock.instant();
            Job.Transition transition = progress.withLastReport(job, now).fail(now, error, retryable);
            if (transition.job().state() == JobState.Queued) {
                Instant notBefore = now.plus(settings.backoff(transition.job().failures()));
                return requeue.enqueue(transition, notBefore);
            }
            return jobs.update(transition.job(), List.of(transition.entry()));
        });
        Job job = failed.checked();
        Job stored = failed.result();
        progress.discard(job.tenantId(), job.id());
        releaseSlot(job, leaseId);
        LOG.info("event=failed jobId={} tenant={} region={} agentId={} retryable={} state={} failures={}", job.id(),
                job.tenantId(), job.spec().region(), job.agentId(), retryable, stored.state(), stored.failures());
        telemetry.metrics().jobEnded(stored);
        return stored;
    }

    private void releaseSlot(Job job, String leaseId) {
        slots.free(job, leaseId);
    }
}
