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
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        WaitingView waitingFor,
        JobSpec spec) {

    /** Why a queued job is not running now ({@link io.controlplane.scheduling.WaitReasons}); only the fields its reason has. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record WaitingView(String reason, String organisation, Instant until, Integer limit, Integer jobsAhead, String message) {
        static WaitingView of(io.controlplane.scheduling.WaitReasons.Waiting w) {
            return w == null ? null : new WaitingView(w.reason(), w.organisation(), w.until(), w.limit(), w.jobsAhead(), w.message());
        }
    }

    record ProgressView(double percent, Map<String, Long> counters, String message, Instant updatedAt) {
    }

    static JobView of(Job job) {
        return of(job, null);
    }

    /** @param waiting why it waits (a queued job, when asked), or null */
    static JobView of(Job job, io.controlplane.scheduling.WaitReasons.Waiting waiting) {
        return new JobView(job.id(), job.spec().name(), job.tenantId(), job.spec().tier().name(), job.spec().region(),
                job.spec().kind().name(), job.state().name(), job.agentId(), job.attempt(), job.preemptions(),
                new ProgressView(job.progress().percent(), job.progress().counters(), job.progress().message(),
                        job.progress().updatedAt()),
                job.createdAt(), job.updatedAt(), WaitingView.of(waiting), job.spec());
    }
}
