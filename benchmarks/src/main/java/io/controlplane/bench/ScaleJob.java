package io.controlplane.bench;

import java.time.Instant;

/** A job a {@link ScaleAgent} holds: its lease, when it ends and when its next progress report is due. */
final class ScaleJob {
    final String leaseId;
    final String jobId;
    final Instant endsAt;
    Instant nextProgress;
    int reports;

    ScaleJob(String leaseId, String jobId, Instant endsAt, Instant nextProgress) {
        this.leaseId = leaseId;
        this.jobId = jobId;
        this.endsAt = endsAt;
        this.nextProgress = nextProgress;
    }
}
