package io.controlplane.simulator;

import java.time.Instant;
import java.util.Locale;

/**
 * An instruction from a heartbeat answer: {@code { type, leaseId, deadline, backOff }}.
 *
 * @param wireType the type as received, kept so that an unknown one can be logged
 * @param deadline when the control plane stops waiting (the grace period); null when it gives none
 * @param backOff  on a {@code continue}: an organisation the lease's job touches asked for a back-off;
 *                 null when none did
 */
public record Command(Type type, String wireType, String leaseId, Instant deadline, BackOff backOff) {

    /**
     * {@code { organisation, until, retryAfterSeconds }}: make no requests to {@code organisation}
     * before {@code until} (an agent reported its HTTP 429). The lease stays extended meanwhile, as
     * long as the agent heartbeats.
     */
    public record BackOff(String organisation, Instant until, long retryAfterSeconds) {
    }

    public enum Type {
        /** Keep going. */
        CONTINUE,
        /** Write a final checkpoint, then release with reason {@code preempted}. */
        PREEMPT,
        /** Write a final checkpoint, then release with reason {@code paused}. */
        PAUSE,
        /** Stop the job; its result is no longer wanted. */
        CANCEL,
        /** A type this client does not know (a newer control plane); ignored. */
        UNKNOWN;

        static Type fromWire(String value) {
            if (value == null) {
                return UNKNOWN;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return UNKNOWN;
            }
        }
    }

    public static Command of(String wireType, String leaseId, Instant deadline, BackOff backOff) {
        return new Command(Type.fromWire(wireType), wireType, leaseId, deadline, backOff);
    }
}
