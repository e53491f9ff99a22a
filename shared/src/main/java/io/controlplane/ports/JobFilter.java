package io.controlplane.ports;

import io.controlplane.domain.JobState;
import io.controlplane.domain.Tier;

/** Optional filters of a job listing; null means "any". */
public record JobFilter(JobState state, Tier tier, String region) {

    public static JobFilter none() {
        return new JobFilter(null, null, null);
    }

    public boolean matches(io.controlplane.domain.Job job) {
        return (state == null || job.state() == state)
                && (tier == null || job.spec().tier() == tier)
                && (region == null || job.spec().region().equals(region));
    }
}
