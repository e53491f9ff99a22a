package io.controlplane.app;

import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentCommand;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.telemetry.Telemetry;
import java.time.Clock;
import java.util.List;

/**
 * Cancels a job on a client's request. The transition table decides whether the job's state allows
 * it; the write is conditional on the version read, so a concurrent change makes this call fail
 * with a conflict rather than overwrite it. A running job's lease ends with it: its agent is told
 * to stop (heartbeat answer, push channel) and its writes are refused from now on.
 */
public final class CancelJob {

    private final JobStore jobs;
    private final ReadyQueue ready;
    private final AgentChannel channel;
    private final Telemetry telemetry;
    private final Clock clock;
    private final LeaseStops stops;

    CancelJob(JobStore jobs, ReadyQueue ready, AgentChannel channel, Telemetry telemetry, Clock clock, LeaseStops stops) {
        this.stops = stops;
        this.jobs = jobs;
        this.ready = ready;
        this.channel = channel;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    public Job cancel(Caller caller, String jobId, String reason) {
        Job job = jobs.find(caller.tenantId(), jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        telemetry.describe(job);
        Job.Transition cancelled = job.cancel(clock.instant(),
                reason == null || reason.isBlank() ? "cancelled by client" : reason, caller.subject());
        Job stored = jobs.update(cancelled.job(), List.of(cancelled.entry()));
        if (job.state() == JobState.Queued) {
            // The entry is stale now; claims would skip it anyway, this just keeps the queue short.
            ready.remove(ReadyEntry.of(job, null, clock.instant()));
        } else if (job.leaseId() != null && Job.LEASED.contains(job.state())) {
            channel.send(job.agentId(), AgentCommand.cancel(job.leaseId(), job.id(), "cancelled"));
            stops.ask(job, new AgentLease.Stop(AgentLease.Stop.CANCEL, null, "cancelled"));
        }
        telemetry.metrics().jobEnded(stored);
        return stored;
    }
}
