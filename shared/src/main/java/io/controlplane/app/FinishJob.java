package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.telemetry.Telemetry;
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

    private final LeaseEnd end;
    private final DispatchSettings settings;
    private final Telemetry telemetry;

    FinishJob(LeaseEnd end, DispatchSettings settings, Telemetry telemetry) {
        this.end = end;
        this.settings = settings;
        this.telemetry = telemetry;
    }

    public Job complete(Caller caller, String leaseId) {
        LeaseAccess.Applied<Job> done = end.end(caller, leaseId, (current, now) -> {
            List<HistoryEntry> entries = new ArrayList<>();
            if (current.state() == JobState.Assigned) {
                Job.Transition started = current.start(now);
                entries.add(started.entry());
                current = started.job();
            }
            Job.Transition completed = current.complete(now);
            entries.add(completed.entry());
            return end.store(completed.job(), entries);
        });
        Job job = done.checked();
        LOG.info("event=completed jobId={} tenant={} tier={} region={} agentId={} epoch={}", job.id(), job.tenantId(),
                job.spec().tier(), job.spec().region(), job.agentId(), job.epoch());
        telemetry.metrics().jobEnded(done.result());
        return done.result();
    }

    public Job fail(Caller caller, String leaseId, String error, boolean retryable) {
        LeaseAccess.Applied<Job> failed = end.end(caller, leaseId, (current, now) -> {
            Job.Transition transition = current.fail(now, error, retryable);
            return end.store(transition, now.plus(settings.backoff(transition.job().failures())));
        });
        Job job = failed.checked();
        Job stored = failed.result();
        LOG.info("event=failed jobId={} tenant={} region={} agentId={} retryable={} state={} failures={}", job.id(),
                job.tenantId(), job.spec().region(), job.agentId(), retryable, stored.state(), stored.failures());
        telemetry.metrics().jobEnded(stored);
        return stored;
    }
}
