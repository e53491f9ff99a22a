package io.controlplane.app;

import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobStore;
import java.time.Clock;
import java.util.List;

/**
 * Cancels a job on a client's request. The transition table decides whether the job's state allows
 * it; the write is conditional on the version read, so a concurrent change makes this call fail
 * with a conflict rather than overwrite it.
 */
public final class CancelJob {

    private final JobStore jobs;
    private final io.controlplane.ports.ReadyQueue ready;
    private final Clock clock;

    public CancelJob(JobStore jobs, io.controlplane.ports.ReadyQueue ready, Clock clock) {
        this.jobs = jobs;
        this.ready = ready;
        this.clock = clock;
    }

    public Job cancel(Caller caller, String jobId, String reason) {
        Job job = jobs.find(caller.tenantId(), jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        Job.Transition cancelled = job.transition(JobState.Cancelled, clock.instant(),
                reason == null || reason.isBlank() ? "cancelled by client" : reason, caller.subject());
        Job stored = jobs.update(cancelled.job(), List.of(cancelled.entry()));
        if (job.state() == JobState.Queued) {
            // The entry is stale now; claims would skip it anyway, this just keeps the queue short.
            ready.remove(io.controlplane.domain.ReadyEntry.of(job, null, clock.instant()));
        }
        return stored;
    }
}
