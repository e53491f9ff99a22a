package io.controlplane.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A job as the control plane tracks it. Immutable: changes return a new value. {@code etag} is the
 * store's concurrency token for the version this value was read from (null before it is stored);
 * {@code historySequence} is the sequence number of the job's latest history entry.
 *
 * <p>While an agent holds the job, its {@link Lease} names the agent, the lease and its expiry, and
 * the lease's epoch is the fencing token: it grows with every assignment, so a write carrying an
 * older lease is refused. {@code attempt} counts assignments; {@code failures} counts
 * agent-reported failures (retries), apart from preemptions and lost leases.
 */
public record Job(
        String id,
        String tenantId,
        JobSpec spec,
        JobState state,
        Lease lease,
        int attempt,
        int preemptions,
        Progress progress,
        Instant createdAt,
        Instant updatedAt,
        long historySequence,
        String etag,
        int failures,
        String lastError,
        Instant lastCheckpointAt) {

    /** States in which an agent holds the job's lease. */
    public static final Set<JobState> LEASED = Set.of(JobState.Assigned, JobState.Running, JobState.Preempting, JobState.Pausing);

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        progress = progress == null ? Progress.none() : progress;
        lease = lease == null ? Lease.none() : lease;
    }

    /** A job without lease or failure details: {@code agentId} and {@code epoch} only. */
    public Job(String id, String tenantId, JobSpec spec, JobState state, String agentId, int attempt, int preemptions,
               long epoch, Progress progress, Instant createdAt, Instant updatedAt, long historySequence, String etag) {
        this(id, tenantId, spec, state, new Lease(agentId, null, null, epoch, null), attempt, preemptions, progress,
                createdAt, updatedAt, historySequence, etag, 0, null, null);
    }

    /** The agent holding the job ({@link Lease#agentId()}), or null. */
    public String agentId() {
        return lease.agentId();
    }

    /** The lease it holds the job under ({@link Lease#leaseId()}), or null. */
    public String leaseId() {
        return lease.leaseId();
    }

    /** Until when the lease holds by this row ({@link Lease#expiresAt()}), or null. */
    public Instant leaseExpiresAt() {
        return lease.expiresAt();
    }

    /** The fencing token ({@link Lease#epoch()}). */
    public long epoch() {
        return lease.epoch();
    }

    /** By when the agent must release after a stop ({@link Lease#stopDeadline()}), or null. */
    public Instant stopDeadline() {
        return lease.stopDeadline();
    }

    /** A new job, queued, with the history entry that records its creation. */
    public static Transition submitted(String id, String tenantId, JobSpec spec, Instant at, String actor) {
        Job job = new Job(id, tenantId, spec, JobState.Queued, null, 0, 0, 0, Progress.none(), at, at, 1, null);
        return new Transition(job, new HistoryEntry(id, 1, at, null, JobState.Queued, "submitted", actor));
    }

    /**
     * Moves the job to {@code next} if the transition table allows it; all other fields unchanged.
     *
     * @throws IllegalTransitionException when it does not
     */
    public Transition transition(JobState next, Instant at, String reason, String actor) {
        return to(next, at, reason, actor, copy());
    }

    /** The scope of the job's ID mappings: the one its spec names, else its own (the job id). */
    public String mappingScope() {
        String named = spec.mappingScope();
        return named == null || named.isEmpty() ? id : named;
    }

    /** States in which the lease holder was asked to checkpoint and release (preemption, pause). */
    public static final Set<JobState> STOPPING = Set.of(JobState.Preempting, JobState.Pausing);

    /** True while the agent is asked to stop: the state says so, not a leftover deadline. */
    public boolean isStopping() {
        return STOPPING.contains(state);
    }

    /** True when {@code leaseId} is the lease an agent currently holds on this job. */
    public boolean holdsLease(String candidateLeaseId) {
        return LEASED.contains(state) && leaseId() != null && leaseId().equals(candidateLeaseId);
    }

    /** Queued → Assigned to {@code agent}: a new lease with the next epoch. */
    public Transition assign(String agent, String newLeaseId, Instant expiresAt, Instant at) {
        Builder b = copy();
        b.lease = lease.next(agent, newLeaseId, expiresAt);
        b.attempt = attempt + 1;
        return to(JobState.Assigned, at, "leased to " + agent + " (epoch " + b.lease.epoch() + ")", "control-plane", b);
    }

    /**
     * Until when the lease holds: the later of this row's expiry (set by the claim) and the expiry
     * the agent's record keeps for it ({@code onRecord}, moved on by the agent's heartbeats; null
     * when the record does not list the lease). Null when the job holds no lease.
     */
    public Instant leaseExpiry(AgentLease onRecord) {
        Instant own = lease.expiresAt();
        Instant extended = onRecord != null && onRecord.leaseId().equals(lease.leaseId()) ? onRecord.expiresAt() : null;
        if (own == null || extended == null) {
            return own;
        }
        return extended.isAfter(own) ? extended : own;
    }

    /** The lease runs until {@code expiresAt} (heartbeat); no state change, no history. */
    public Job extendLease(Instant expiresAt, Instant at) {
        Builder b = copy();
        b.lease = lease.extendedTo(expiresAt);
        b.updatedAt = at;
        return b.build(state, historySequence);
    }

    /** Assigned → Running on the agent's first report. */
    public Transition start(Instant at) {
        return to(JobState.Running, at, "started by " + agentId(), agentId(), copy());
    }

    /** Back to the queue without a lease (lease lost, released, retry). */
    public Transition requeue(Instant at, String reason, String actor) {
        Builder b = copy().withoutLease();
        return to(JobState.Queued, at, reason, actor, b);
    }

    /** An agent-reported failure: retried (requeued) while failures stay within the job's limit. */
    public Transition fail(Instant at, String error, boolean retryable) {
        Builder b = copy().withoutLease();
        b.failures = failures + 1;
        b.lastError = error;
        String actor = agentId();
        if (retryable && failures < spec.policy().maxRetries() && state == JobState.Pausing) {
            return to(JobState.Paused, at, "failed while pausing, stays paused (retry " + (failures + 1) + " of "
                    + spec.policy().maxRetries() + " on resume): " + error, actor, b);
        }
        if (retryable && failures < spec.policy().maxRetries()) {
            return to(JobState.Queued, at, "failed, retry " + (failures + 1) + " of " + spec.policy().maxRetries()
                    + ": " + error, actor, b);
        }
        return to(JobState.Failed, at, (retryable ? "failed, retries exhausted: " : "failed: ") + error, actor, b);
    }

    /** The agent finished the job. */
    public Transition complete(Instant at) {
        Builder b = copy().withoutLease();
        return to(JobState.Completed, at, "completed by " + agentId(), agentId(), b);
    }

    /**
     * Asks the agent to stop by {@code deadline}: {@code Preempting} (a higher tier needs its agent)
     * or {@code Pausing} (an operator paused the job). The lease holds until the agent releases.
     */
    public Transition requestStop(JobState stopping, Instant deadline, Instant at, String reason, String actor) {
        if (stopping != JobState.Preempting && stopping != JobState.Pausing) {
            throw new IllegalArgumentException("not a stop state: " + stopping);
        }
        Builder b = copy();
        b.lease = lease.stopBy(deadline);
        return to(stopping, at, reason, actor, b);
    }

    /**
     * The agent gave the job back after its final checkpoint: a preempted job goes back to the
     * queue (counted as a preemption, not a retry), a pausing job is paused, and a job released
     * for any other reason (agent shutdown) goes back to the queue uncounted.
     */
    public Transition release(Instant at, String reason) {
        Builder b = copy().withoutLease();
        String agentId = agentId();
        String actor = agentId;
        return switch (state) {
            case Preempting -> {
                b.preemptions = preemptions + 1;
                yield to(JobState.Queued, at, "preempted: released by " + agentId + " after its final checkpoint", actor, b);
            }
            case Pausing -> to(JobState.Paused, at, "paused: released by " + agentId + " after its final checkpoint", actor, b);
            default -> to(JobState.Queued, at, "released by " + agentId + " (" + reason + ")", actor, b);
        };
    }

    /** The stop deadline passed without a release: the lease is revoked (the agent's writes now fail). */
    public Transition revokeStop(Instant at) {
        if (!isStopping()) {
            throw new IllegalTransitionException(id, state, JobState.Queued);
        }
        Builder b = copy().withoutLease();
        String agentId = agentId();
        long epoch = epoch();
        if (state == JobState.Preempting) {
            b.preemptions = preemptions + 1;
            return to(JobState.Queued, at, "preempted: agent " + agentId + " did not release within the grace period; "
                    + "lease revoked (epoch " + epoch + "), resumes from its last checkpoint", "control-plane", b);
        }
        return to(JobState.Paused, at, "paused: agent " + agentId + " did not release within the grace period; "
                + "lease revoked (epoch " + epoch + ")", "control-plane", b);
    }

    /** Ends the job at a client's or operator's request; a lease it had is revoked with it. */
    public Transition cancel(Instant at, String reason, String actor) {
        Builder b = copy();
        b.lease = lease.revoked();
        return to(JobState.Cancelled, at, reason, actor, b);
    }

    /** Paused → Queued at an operator's request. */
    public Transition resume(Instant at, String actor) {
        return resume(at, actor, null);
    }

    /** Paused → Queued; {@code why} (the operator's words, may be null) goes into the history entry. */
    public Transition resume(Instant at, String actor, String why) {
        if (state != JobState.Paused) {
            // Assigned → Queued is legal for a lost lease, but resuming is only for paused jobs.
            throw new IllegalTransitionException(id, state, JobState.Queued);
        }
        return to(JobState.Queued, at, withReason("resumed by " + actor, why), actor, copy());
    }

    /** A history reason with the caller's own words after it, when given. */
    public static String withReason(String what, String why) {
        return why == null || why.isBlank() ? what : what + ": " + why;
    }

    /** A checkpoint was written by the lease holder (the job row changes with it, atomically). */
    public Job checkpointed(Instant at) {
        Builder b = copy();
        b.lastCheckpointAt = at;
        b.updatedAt = at;
        return b.build(state, historySequence);
    }

    /**
     * The agent's {@code report} as the job's progress, appended to its progress history as a
     * sample of the lease it holds now (its epoch).
     */
    public Job withReport(Progress report, Instant at) {
        return withProgress(progress.then(report, epoch()), at);
    }

    public Job withProgress(Progress newProgress, Instant at) {
        Builder b = copy();
        b.progress = newProgress;
        b.updatedAt = at;
        return b.build(state, historySequence);
    }

    public Job withEtag(String newEtag) {
        Builder b = copy();
        b.etag = newEtag;
        return b.build(state, historySequence);
    }

    private Transition to(JobState next, Instant at, String reason, String actor, Builder changed) {
        if (!state.canTransitionTo(next)) {
            throw new IllegalTransitionException(id, state, next);
        }
        long sequence = historySequence + 1;
        changed.updatedAt = at;
        return new Transition(changed.build(next, sequence), new HistoryEntry(id, sequence, at, state, next, reason, actor));
    }

    private Builder copy() {
        return new Builder(this);
    }

    /** Several transitions of one change, stored together. */
    public record Transition(Job job, HistoryEntry entry) {

        /** Applies a further transition to the result, keeping both history entries. */
        public Transitions then(Function<Job, Transition> next) {
            Transition second = next.apply(job);
            return new Transitions(second.job(), List.of(entry, second.entry()));
        }
    }

    /** The result of consecutive transitions and every history entry they made. */
    public record Transitions(Job job, List<HistoryEntry> entries) {
    }

    private static final class Builder {
        private final Job from;
        private Lease lease;
        private int attempt;
        private Progress progress;
        private Instant updatedAt;
        private String etag;
        private int failures;
        private String lastError;
        private int preemptions;
        private Instant lastCheckpointAt;

        Builder(Job job) {
            from = job;
            lease = job.lease;
            attempt = job.attempt;
            preemptions = job.preemptions;
            progress = job.progress;
            updatedAt = job.updatedAt;
            etag = job.etag;
            failures = job.failures;
            lastError = job.lastError;
            lastCheckpointAt = job.lastCheckpointAt;
        }

        /** The lease ends, and with it any stop the agent was asked for (its deadline was the lease's). */
        Builder withoutLease() {
            lease = lease.ended();
            return this;
        }

        Job build(JobState state, long historySequence) {
            return new Job(from.id, from.tenantId, from.spec, state, lease, attempt, preemptions, progress,
                    from.createdAt, updatedAt, historySequence, etag, failures, lastError, lastCheckpointAt);
        }
    }
}
