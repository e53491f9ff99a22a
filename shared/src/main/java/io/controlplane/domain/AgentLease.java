package io.controlplane.domain;

import java.time.Instant;

/** A lease as the agent's record keeps it: which job it holds, since when, until when. */
public record AgentLease(String leaseId, String tenantId, String jobId, long epoch, Instant reservedAt, Instant expiresAt) {
}
