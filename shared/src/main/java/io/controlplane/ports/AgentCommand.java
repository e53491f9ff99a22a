package io.controlplane.ports;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.controlplane.domain.AgentLease;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the control plane tells an agent about one of its leases, in a heartbeat answer and pushed
 * through the {@link AgentChannel}: {@code continue}, or stop with {@code preempt}, {@code pause}
 * or {@code cancel} (a lease that is lost is a {@code cancel} with reason {@code lease-lost}). A
 * lease that goes on against an organisation that asked for a back-off carries it
 * ({@code backOff}): make no requests to it before {@code until}.
 *
 * <p>{@code type} is the command's name on the wire; {@link #kind()} is the same as an enum. Build
 * commands with the factories ({@link #proceed}, {@link #preempt}, {@link #pause}, {@link #cancel},
 * {@link #stop}).
 */
public record AgentCommand(String type, String leaseId, String jobId, Instant deadline, String reason,
                           @JsonInclude(JsonInclude.Include.NON_NULL)
                           BackOff backOff) {

    /** The four commands, each with its name on the wire. */
    public enum Kind {
        /** The lease goes on; {@code deadline} is its expiry. */
        CONTINUE("continue"),
        /** Write a checkpoint and release by {@code deadline}: a higher tier needs the agent. */
        PREEMPT(AgentLease.Stop.PREEMPT),
        /** Write a checkpoint and release by {@code deadline}: an operator paused the job. */
        PAUSE(AgentLease.Stop.PAUSE),
        /** Stop at once: the job was cancelled, or the lease is lost. */
        CANCEL(AgentLease.Stop.CANCEL);

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** @throws IllegalArgumentException for a name that is none of the four */
        public static Kind of(String wireName) {
            return Arrays.stream(values()).filter(k -> k.wireName.equals(wireName)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("not an agent command: " + wireName));
        }
    }

    /** An organisation the lease's job touches asked to be left alone until {@code until}. */
    public record BackOff(String organisation, Instant until, long retryAfterSeconds) {
    }

    public AgentCommand {
        Objects.requireNonNull(type, "type");
        Kind.of(type);
    }

    public AgentCommand(String type, String leaseId, String jobId, Instant deadline, String reason) {
        this(type, leaseId, jobId, deadline, reason, null);
    }

    /** The command as an enum. */
    public Kind kind() {
        return Kind.of(type);
    }

    /** This command with the back-off the lease's organisation asked for. */
    public AgentCommand withBackOff(BackOff backOff) {
        return new AgentCommand(type, leaseId, jobId, deadline, reason, backOff);
    }

    /** The wire name of a lease that goes on. */
    public static final String CONTINUE = Kind.CONTINUE.wireName();

    /** A lease that goes on until {@code leaseExpiresAt}. */
    public static AgentCommand proceed(String leaseId, String jobId, Instant leaseExpiresAt) {
        return new AgentCommand(CONTINUE, leaseId, jobId, leaseExpiresAt, null);
    }

    /** Checkpoint and release by {@code deadline}, for a higher tier. */
    public static AgentCommand preempt(String leaseId, String jobId, Instant deadline, String reason) {
        return new AgentCommand(Kind.PREEMPT.wireName(), leaseId, jobId, deadline, reason);
    }

    /** Checkpoint and release by {@code deadline}, paused. */
    public static AgentCommand pause(String leaseId, String jobId, Instant deadline, String reason) {
        return new AgentCommand(Kind.PAUSE.wireName(), leaseId, jobId, deadline, reason);
    }

    /** Stop at once. */
    public static AgentCommand cancel(String leaseId, String jobId, String reason) {
        return new AgentCommand(Kind.CANCEL.wireName(), leaseId, jobId, null, reason);
    }

    /** The stop a lease's record asks for ({@link AgentLease#stop()}), as the command that tells the agent. */
    public static AgentCommand stop(AgentLease.Stop stop, String leaseId, String jobId) {
        return new AgentCommand(Kind.of(stop.command()).wireName(), leaseId, jobId, stop.deadline(), stop.reason());
    }

    /** Whether the lease goes on. */
    public boolean proceeds() {
        return kind() == Kind.CONTINUE;
    }
}
