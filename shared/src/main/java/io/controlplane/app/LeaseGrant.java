package io.controlplane.app;

import io.controlplane.domain.Job;
import java.time.Instant;

/** What an agent receives when it leases a job. {@code resumed}: the job ran before; {@code checkpoints} are where it got to. */
public record LeaseGrant(Job job, String leaseId, long epoch, Instant expiresAt, boolean resumed,
                         java.util.List<io.controlplane.domain.Checkpoint> checkpoints) {

    public LeaseGrant {
        checkpoints = java.util.List.copyOf(checkpoints);
    }
}
