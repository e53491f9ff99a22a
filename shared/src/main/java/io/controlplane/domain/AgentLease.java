package io.controlplane.domain;

import java.time.Instant;
import java.util.List;

/**
 * A lease as the agent's record keeps it: which job it holds, since when, and until when. The
 * record is where a lease lives from the agent's side: its heartbeats extend {@code expiresAt}
 * here (not on the job row), a stop asked of it (preempt, pause, cancel) is written here beside
 * the job's change ({@code stop}), and {@code started} says the job was moved to Running, so a
 * heartbeat reads and writes this one record, whatever the number of leases.
 *
 * @param expiresAt until when the lease holds: the claim's expiry, then each extension
 * @param started whether the job was moved from Assigned to Running (by the first heartbeat)
 * @param stop the stop asked of the lease, or null
 * @param organisations the organisations the job touches (the dispatcher counts running jobs per
 *     organisation from these)
 */
public record AgentLease(String leaseId, String tenantId, String jobId, long epoch, Instant reservedAt, Instant expiresAt,
                         boolean started, Stop stop, List<String> organisations) {

    public AgentLease {
        organisations = organisations == null ? List.of() : List.copyOf(organisations);
    }

    /** A stop asked of a lease: {@code preempt} or {@code pause} by {@code deadline}, or {@code cancel} at once. */
    public record Stop(String command, Instant deadline, String reason) {

        public static final String PREEMPT = "preempt";
        public static final String PAUSE = "pause";
        public static final String CANCEL = "cancel";
    }

    /** A new lease: not started, nothing asked. */
    public AgentLease(String leaseId, String tenantId, String jobId, long epoch, Instant reservedAt, Instant expiresAt) {
        this(leaseId, tenantId, jobId, epoch, reservedAt, expiresAt, false, null, List.of());
    }

    /** A new lease of a job touching {@code organisations}. */
    public AgentLease(String leaseId, String tenantId, String jobId, long epoch, Instant reservedAt, Instant expiresAt,
                      List<String> organisations) {
        this(leaseId, tenantId, jobId, epoch, reservedAt, expiresAt, false, null, organisations);
    }

    public AgentLease extendedTo(Instant until) {
        return new AgentLease(leaseId, tenantId, jobId, epoch, reservedAt, until, started, stop, organisations);
    }

    public AgentLease asStarted() {
        return new AgentLease(leaseId, tenantId, jobId, epoch, reservedAt, expiresAt, true, stop, organisations);
    }

    public AgentLease withStop(Stop asked) {
        return new AgentLease(leaseId, tenantId, jobId, epoch, reservedAt, expiresAt, started, asked, organisations);
    }

    /** Whether the lease's job was cancelled (the record says so). */
    public boolean cancelled() {
        return stop != null && Stop.CANCEL.equals(stop.command());
    }

    /** Whether the lease holds at {@code now} by this record. */
    public boolean holdsAt(Instant now) {
        return expiresAt != null && !expiresAt.isBefore(now);
    }
}
