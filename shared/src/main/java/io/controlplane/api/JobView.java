package io.controlplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.controlplane.app.JobEstimates;
import io.controlplane.domain.Eta;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpec;
import io.controlplane.scheduling.WaitReasons;
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
        @JsonInclude(JsonInclude.Include.NON_NULL)
        WaitingView waitingFor,
        JobSpec spec) {

    /** Why a queued job is not running now ({@link io.controlplane.scheduling.WaitReasons}); only the fields its reason has. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WaitingView(String reason, String organisation, Instant until, Integer limit, Integer jobsAhead, String message) {
        static WaitingView of(WaitReasons.Waiting w) {
            return w == null ? null : new WaitingView(w.reason(), w.organisation(), w.until(), w.limit(), w.jobsAhead(), w.message());
        }
    }

    /** The latest report; {@code eta} only when there is an estimate. */
    record ProgressView(double percent, Map<String, Long> counters, String message, Instant updatedAt,
                        @JsonInclude(JsonInclude.Include.NON_NULL) EtaView eta) {

        /** A report without an estimate (what a lease shows its agent). */
        ProgressView(double percent, Map<String, Long> counters, String message, Instant updatedAt) {
            this(percent, counters, message, updatedAt, null);
        }
    }

    /** An estimate ({@link Eta}): a stalled job's has no {@code at} and no {@code high}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EtaView(Instant at, Instant low, Instant high, String basis) {
        static EtaView of(Eta eta) {
            return eta == null ? null : new EtaView(eta.at(), eta.low(), eta.high(), eta.basis());
        }
    }

    static JobView of(Job job) {
        return of(job, null);
    }

    /** @param waiting why it waits (a queued job, when asked), or null */
    static JobView of(Job job, WaitReasons.Waiting waiting) {
        return of(job, waiting, null);
    }

    /**
     * @param waiting why it waits (a queued job, when asked), or null
     * @param eta its estimate ({@link JobEstimates}), or null
     */
    static JobView of(Job job, WaitReasons.Waiting waiting, Eta eta) {
        return new JobView(job.id(), job.spec().name(), job.tenantId(), job.spec().tier().name(), job.spec().region(),
                job.spec().kind().name(), job.state().name(), job.agentId(), job.attempt(), job.preemptions(),
                new ProgressView(job.progress().percent(), job.progress().counters(), job.progress().message(),
                        job.progress().updatedAt(), EtaView.of(eta)),
                job.createdAt(), job.updatedAt(), WaitingView.of(waiting), job.spec());
    }
}
