package io.controlplane.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A job as the control plane tracks it. Immutable: changes return a new value. {@code etag} is the
 * store's concurrency token for the version this value was read from (null before it is stored);
 * {@code historySequence} is the sequence number of the job's latest history entry.
 */
public record Job(
        String id,
        String tenantId,
        JobSpec spec,
        JobState state,
        String agentId,
        int attempt,
        int preemptions,
        long epoch,
        Progress progress,
        Instant createdAt,
        Instant updatedAt,
        long historySequence,
        String etag) {

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        progress = progress == null ? Progress.none() : progress;
    }

    /** A new job, queued, with the history entry that records its creation. */
    public static Transition submitted(String id, String tenantId, JobSpec spec, Instant at, String actor) {
        Job job = new Job(id, tenantId, spec, JobState.Queued, null, 0, 0, 0, Progress.none(), at, at, 1, null);
        return new Transition(job, new HistoryEntry(id, 1, at, null, JobState.Queued, "submitted", actor));
    }

    /**
     * Moves the job to {@code next} if the transition table allows it.
     *
     * @throws IllegalTransitionException when it does not
     */
    public Transition transition(JobState next, Instant at, String reason, String actor) {
        if (!state.canTransitionTo(next)) {
            throw new IllegalTransitionException(id, state, next);
        }
        long sequence = historySequence + 1;
        Job changed = new Job(id, tenantId, spec, next, agentId, attempt, preemptions, epoch, progress,
                createdAt, at, sequence, etag);
        return new Transition(changed, new HistoryEntry(id, sequence, at, state, next, reason, actor));
    }

    public Job withEtag(String newEtag) {
        return new Job(id, tenantId, spec, state, agentId, attempt, preemptions, epoch, progress,
                createdAt, updatedAt, historySequence, newEtag);
    }

    /** A state change together with the audit entry that must be stored with it, atomically. */
    public record Transition(Job job, HistoryEntry entry) {
    }
}
