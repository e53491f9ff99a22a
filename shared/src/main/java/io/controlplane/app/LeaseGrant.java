package io.controlplane.app;

import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.Job;
import java.time.Instant;
import java.util.List;

/** What an agent receives when it leases a job. {@code resumed}: the job ran before; {@code checkpoints} are where it got to. */
public record LeaseGrant(Job job, String leaseId, long epoch, Instant expiresAt, boolean resumed,
                         List<Checkpoint> checkpoints) {

    public LeaseGrant {
        checkpoints = List.copyOf(checkpoints);
    }
}
