package io.controlplane.ports;

import java.time.Instant;
import java.util.Objects;

/**
 * "This lease is yours": what a dispatcher tells the instance where an agent's poll waits, when it
 * has claimed a job for that agent. Ids only; the receiving instance reads the job (it must hold
 * this lease, else the note is stale and dropped) and answers the poll with it.
 */
public record OfferNote(String region, String agentId, String tenantId, String jobId, String leaseId, long epoch,
                        Instant expiresAt) {

    public OfferNote {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(leaseId, "leaseId");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** {@code jobId:epoch}: one lease, one id (duplicate detection drops the same offer sent twice). */
    public String messageId() {
        return "offer:" + jobId + ":" + epoch;
    }
}
