package io.controlplane.ports;

import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Tier;

/** Optional filters of a job listing; null means "any". */
public record JobFilter(JobState state, Tier tier, String region, String mappingScope) {

    public JobFilter(JobState state, Tier tier, String region) {
        this(state, tier, region, null);
    }

    public static JobFilter none() {
        return new JobFilter(null, null, null, null);
    }

    /** The jobs that share a mapping scope (and so the scope's ID mappings). */
    public static JobFilter ofMappingScope(String mappingScope) {
        return new JobFilter(null, null, null, mappingScope);
    }

    public boolean matches(Job job) {
        return (state == null || job.state() == state)
                && (tier == null || job.spec().tier() == tier)
                && (region == null || job.spec().region().equals(region))
                && (mappingScope == null || mappingScope.equals(job.mappingScope()));
    }
}
