package io.controlplane.app;

import io.controlplane.domain.Job;
import java.time.Instant;

/** What an agent receives when it leases a job. {@code resumed}: the job ran before (it has progress to resume from). */
public record LeaseGrant(Job job, String leaseId, long epoch, Instant expiresAt, boolean resumed) {
}
