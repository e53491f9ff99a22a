package io.controlplane.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * Something that happened to a job that its watchers want to see at once: a state change (with the
 * history entry that records it), a preemption (the change into {@link JobState#Preempting}), a
 * progress report, or a checkpoint written. Exactly one of {@code entry}, {@code progress} and
 * {@code checkpoint} is set, as {@code type} says.
 */
public record JobEvent(Type type, String tenantId, String jobId, Instant at, HistoryEntry entry, Progress progress,
                       Checkpoint checkpoint) {

    /** The kinds of event, by the name a watcher sees. */
    public enum Type {
        state,
        preemption,
        progress,
        checkpoint
    }

    public JobEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(at, "at");
    }

    /** A state change as its history entry records it; a change into Preempting is a preemption. */
    public static JobEvent changed(String tenantId, HistoryEntry entry) {
        Type type = entry.to() == JobState.Preempting ? Type.preemption : Type.state;
        return new JobEvent(type, tenantId, entry.jobId(), entry.at(), entry, null, null);
    }

    /** A progress report accepted from the job's agent. */
    public static JobEvent reported(String tenantId, String jobId, Progress progress) {
        Instant at = progress.updatedAt() == null ? Instant.EPOCH : progress.updatedAt();
        return new JobEvent(Type.progress, tenantId, jobId, at, null, progress, null);
    }

    /** A checkpoint stored for the job. */
    public static JobEvent checkpointed(String tenantId, Checkpoint checkpoint) {
        Instant at = checkpoint.updatedAt() == null ? Instant.EPOCH : checkpoint.updatedAt();
        return new JobEvent(Type.checkpoint, tenantId, checkpoint.jobId(), at, null, null, checkpoint);
    }
}
