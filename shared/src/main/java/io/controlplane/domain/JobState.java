package io.controlplane.domain;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The lifecycle of a job. {@link #TRANSITIONS} is the one table of legal state changes; every use
 * case goes through {@link #canTransitionTo(JobState)} (via {@link Job#transition}).
 */
public enum JobState {
    Queued,
    Assigned,
    Running,
    Preempting,
    Pausing,
    Paused,
    Completed,
    Failed,
    Cancelled;

    private static final Map<JobState, Set<JobState>> TRANSITIONS = new EnumMap<>(JobState.class);

    static {
        // Queued -> Paused: pausing a job nobody runs needs no handshake.
        allow(Queued, Assigned, Cancelled, Paused);
        // Assigned -> Queued: lease expired or released before the agent started.
        allow(Assigned, Running, Queued, Failed, Cancelled, Preempting, Pausing);
        // Running -> Queued: lease expired (agent lost) or a retryable failure goes back to the queue.
        allow(Running, Completed, Failed, Cancelled, Queued, Preempting, Pausing);
        // An agent asked to stop may still finish, fail or be cancelled before it acknowledges.
        allow(Preempting, Queued, Completed, Failed, Cancelled);
        allow(Pausing, Paused, Completed, Failed, Cancelled);
        allow(Paused, Queued, Cancelled);
        allow(Completed);
        allow(Failed);
        allow(Cancelled);
    }

    private static void allow(JobState from, JobState... to) {
        Set<JobState> targets = EnumSet.noneOf(JobState.class);
        targets.addAll(List.of(to));
        TRANSITIONS.put(from, Collections.unmodifiableSet(targets));
    }

    public boolean canTransitionTo(JobState next) {
        return TRANSITIONS.get(this).contains(next);
    }

    public Set<JobState> allowedNext() {
        return TRANSITIONS.get(this);
    }

    public boolean isTerminal() {
        return TRANSITIONS.get(this).isEmpty();
    }

    public static Optional<JobState> parse(String name) {
        return Arrays.stream(values()).filter(s -> s.name().equals(name)).findFirst();
    }
}
