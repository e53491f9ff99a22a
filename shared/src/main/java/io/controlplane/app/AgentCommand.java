package io.controlplane.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * What the control plane tells an agent about one of its leases in a heartbeat answer:
 * {@code continue}, or stop with {@code preempt}, {@code pause} or {@code cancel} (a lease that is
 * lost is a {@code cancel} with reason {@code lease-lost}). A lease that goes on against an
 * organisation that asked for a back-off carries it ({@code backOff}): make no requests to it before
 * {@code until}.
 */
public record AgentCommand(String type, String leaseId, String jobId, Instant deadline, String reason,
                           @JsonInclude(JsonInclude.Include.NON_NULL)
                           BackOff backOff) {

    /** An organisation the lease's job touches asked to be left alone until {@code until}. */
    public record BackOff(String organisation, Instant until, long retryAfterSeconds) {
    }

    public AgentCommand(String type, String leaseId, String jobId, Instant deadline, String reason) {
        this(type, leaseId, jobId, deadline, reason, null);
    }

    /** This command with the back-off the lease's organisation asked for. */
    public AgentCommand withBackOff(BackOff backOff) {
        return new AgentCommand(type, leaseId, jobId, deadline, reason, backOff);
    }

    /** The command of a lease that goes on. */
    public static final String CONTINUE = "continue";

    public static AgentCommand proceed(String leaseId, String jobId, Instant leaseExpiresAt) {
        return new AgentCommand(CONTINUE, leaseId, jobId, leaseExpiresAt, null);
    }

    public static AgentCommand cancel(String leaseId, String jobId, String reason) {
        return new AgentCommand("cancel", leaseId, jobId, null, reason);
    }
}
