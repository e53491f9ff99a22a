package io.controlplane.app;

import java.time.Instant;

/**
 * What the control plane tells an agent about one of its leases in a heartbeat answer:
 * {@code continue}, or stop with {@code preempt}, {@code pause} or {@code cancel} (a lease that is
 * lost is a {@code cancel} with reason {@code lease-lost}).
 */
public record AgentCommand(String type, String leaseId, String jobId, Instant deadline, String reason) {

    /** The command of a lease that goes on. */
    public static final String CONTINUE = "continue";

    public static AgentCommand proceed(String leaseId, String jobId, Instant leaseExpiresAt) {
        return new AgentCommand(CONTINUE, leaseId, jobId, leaseExpiresAt, null);
    }

    public static AgentCommand cancel(String leaseId, String jobId, String reason) {
        return new AgentCommand("cancel", leaseId, jobId, null, reason);
    }
}
