package io.controlplane.api;

import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpec;
import java.time.Instant;
import java.util.Map;

/** The job as the REST contract (docs/openapi.yaml) shows it to clients, with the spec it was submitted with. */
record JobView(
        String id,
        String name,
        String tenantId,
        String tier,
        String region,
        String kind,
        String state,
        String agentId,
        int attempt,
        int preemptions,
        ProgressView progress,
        Instant createdAt,
        Instant updatedAt,
        JobSpec spec) {

    record ProgressView(double percent, Map<String, Long> counters, String message, Instant updatedAt) {
    }

    static JobView of(Job job) {
        return new JobView(job.id(), job.spec().name(), job.tenantId(), job.spec().tier().name(), job.spec().region(),
                job.spec().kind().name(), job.state().name(), job.agentId(), job.attempt(), job.preemptions(),
                new ProgressView(job.progress().percent(), job.progress().counters(), job.progress().message(),
                        job.progress().updatedAt()),
                job.createdAt(), job.updatedAt(), job.spec());
    }
}
