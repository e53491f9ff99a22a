package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentCommand;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.ReadyQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Operator pause and resume. A queued job pauses at once; a leased one is asked to stop
 * (Pausing): its agent writes a final checkpoint and releases, or loses the lease when the grace
 * period ends; either way it ends Paused with its checkpoints. Resume puts it back in the queue,
 * where its next agent resumes from the checkpoints.
 */
public final class PauseResume {

    private final JobStore jobs;
    private final ReadyQueue ready;
    private final Requeue requeue;
    private final AgentChannel channel;
    private final DispatchSettings settings;
    private final Clock clock;
    private final LeaseStops stops;

    PauseResume(JobStore jobs, ReadyQueue ready, Requeue requeue, AgentChannel channel, DispatchSettings settings,
                Clock clock, LeaseStops stops) {
        this.stops = stops;
        this.jobs = jobs;
        this.ready = ready;
        this.requeue = requeue;
        this.channel = channel;
        this.settings = settings;
        this.clock = clock;
    }

    public Job pause(Caller caller, String jobId) {
        return pause(caller, jobId, null);
    }

    /** @param reason the caller's words for the history (may be null) */
    public Job pause(Caller caller, String jobId, String reason) {
        Job job = jobs.find(caller.tenantId(), jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        Instant now = clock.instant();
        if (job.state() == JobState.Queued) {
            // The entry version read before the job is paused is the one to delete: a resume in between
            // writes a new version, which must stay (deleting by key would strand the resumed job).
            ReadyEntry keyed = ReadyEntry.of(job, null, now);
            Optional<ReadyEntry> entry = ready.find(keyed.region(), keyed.key());
            Job.Transition paused = job.transition(JobState.Paused, now, Job.withReason("paused by " + caller.subject(), reason),
                    caller.subject());
            Job stored = jobs.update(paused.job(), List.of(paused.entry()));
            entry.ifPresent(ready::remove);
            return stored;
        }
        Instant deadline = now.plus(settings.stopGrace());
        Job.Transition pausing = job.requestStop(JobState.Pausing, deadline, now, Job.withReason("pause requested by "
                + caller.subject() + "; agent " + job.agentId() + " asked to checkpoint and release by " + deadline, reason),
                caller.subject());
        Job stored = jobs.update(pausing.job(), List.of(pausing.entry()));
        channel.send(job.agentId(), AgentCommand.pause(job.leaseId(), job.id(), deadline, "paused by operator"));
        stops.ask(job, new AgentLease.Stop(AgentLease.Stop.PAUSE, deadline,
                AgentHeartbeat.PAUSE_REASON));
        return stored;
    }

    public Job resume(Caller caller, String jobId) {
        return resume(caller, jobId, null);
    }

    /** @param reason the caller's words for the history (may be null) */
    public Job resume(Caller caller, String jobId, String reason) {
        Job job = jobs.find(caller.tenantId(), jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        Job.Transition resumed = job.resume(clock.instant(), caller.subject(), reason);
        return requeue.enqueue(resumed, null);
    }
}
