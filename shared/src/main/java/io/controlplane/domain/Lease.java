package io.controlplane.domain;

import java.time.Instant;

/**
 * The lease side of a job, as its row keeps it: which agent holds it under which lease id, until
 * when (the claim's expiry; heartbeats extend it on the agent's record), the stop deadline of a
 * preemption or pause asked of it, and the epoch, the fencing token.
 *
 * <p>The epoch grows with every assignment and outlives the lease: after a release the job keeps
 * the epoch it had, so a write carrying an older lease is still refused. The other fields are null
 * while no agent holds the job.
 *
 * @param agentId the agent holding the job, or null
 * @param leaseId the lease the agent holds it under, or null
 * @param expiresAt until when the lease holds by the job's row, or null
 * @param epoch the fencing token: the number of the latest assignment
 * @param stopDeadline by when the agent must release after a stop was asked, or null
 */
public record Lease(String agentId, String leaseId, Instant expiresAt, long epoch, Instant stopDeadline) {

    /** A job never assigned. */
    public static Lease none() {
        return new Lease(null, null, null, 0, null);
    }

    /** The next assignment: {@code agent} holds it under {@code newLeaseId} until {@code until}, one epoch on. */
    Lease next(String agent, String newLeaseId, Instant until) {
        return new Lease(agent, newLeaseId, until, epoch + 1, stopDeadline);
    }

    /** Held until {@code until}. */
    Lease extendedTo(Instant until) {
        return new Lease(agentId, leaseId, until, epoch, stopDeadline);
    }

    /** Asked to release by {@code deadline}. */
    Lease stopBy(Instant deadline) {
        return new Lease(agentId, leaseId, expiresAt, epoch, deadline);
    }

    /** Revoked with the job's cancellation: no expiry or stop deadline; who held it stays on record. */
    Lease revoked() {
        return new Lease(agentId, leaseId, null, epoch, null);
    }

    /** The lease ended, and with it any stop asked of it (its deadline was the lease's); the epoch stays. */
    Lease ended() {
        return new Lease(null, null, null, epoch, null);
    }
}
