package io.controlplane.domain;

/** A state change the transition table forbids. */
public final class IllegalTransitionException extends DomainException {

    private final JobState from;
    private final JobState to;

    public IllegalTransitionException(String jobId, JobState from, JobState to) {
        super("Job " + jobId + " is " + from + "; it cannot become " + to
                + " (allowed from " + from + ": " + (from.allowedNext().isEmpty() ? "none, the state is final" : from.allowedNext()) + ")");
        this.from = from;
        this.to = to;
    }

    public JobState from() {
        return from;
    }

    public JobState to() {
        return to;
    }
}
