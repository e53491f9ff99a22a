package io.controlplane.app;

import io.controlplane.domain.InvalidStateException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.ReadyQueue;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases a finished job (Completed, Failed, Cancelled) with its history, checkpoints, the
 * Idempotency-Keys that name it, and its ID mappings when no other job of the tenant shares its
 * mapping scope (later jobs of a scope reuse its mappings). Mappings go first and the job row last,
 * so an erase cut short leaves the job readable, to be erased again.
 */
public final class EraseJob {

    private static final Logger LOG = LoggerFactory.getLogger(EraseJob.class);

    private final JobStore jobs;
    private final MappingStore mappings;
    private final ReadyQueue ready;
    private final Clock clock;

    public EraseJob(JobStore jobs, MappingStore mappings, ReadyQueue ready, Clock clock) {
        this.jobs = jobs;
        this.mappings = mappings;
        this.ready = ready;
        this.clock = clock;
    }

    /** The caller's job, erased; refused unless it is finished. */
    public void erase(Caller caller, String jobId) {
        Job job = jobs.find(caller.tenantId(), jobId).orElseThrow(() -> new JobNotFoundException(jobId));
        if (!job.state().isTerminal()) {
            throw new InvalidStateException("Job " + job.id() + " is " + job.state() + "; only a finished job (Completed, Failed"
                    + " or Cancelled) can be erased: cancel it first.");
        }
        erase(job, "client");
    }

    /**
     * Erases a finished job read just before (by the caller or the retention purge).
     *
     * @param by who asked, for the log: {@code client} or {@code retention} (never a token's {@code sub}: personal data)
     */
    void erase(Job job, String by) {
        // Mappings before the job while no other job shares the scope, so an erase cut short can be run
        // again; and once more after it, for two last jobs of a scope erased at once (each saw the other).
        boolean mappingsErased = eraseMappingsIfUnshared(job);
        ready.remove(ReadyEntry.of(job, null, clock.instant()));
        boolean erased = jobs.erase(job);
        if (!mappingsErased) {
            mappingsErased = eraseMappingsIfUnshared(job);
        }
        if (erased) {
            LOG.info("event=job_erased jobId={} tenant={} region={} by={} mappingsErased={}", job.id(), job.tenantId(),
                    job.spec().region(), by, mappingsErased);
        }
    }

    /**
     * The store asks whether the scope is shared again once its erase has begun, and keeps what is
     * recorded after that: a new job of the scope that the question missed keeps its mappings. (The
     * first question only spares a shared scope the cost of beginning an erase.)
     */
    private boolean eraseMappingsIfUnshared(Job job) {
        return !sharesScope(job) && mappings.eraseIfUnused(job.tenantId(), job.mappingScope(), () -> !sharesScope(job));
    }

    private boolean sharesScope(Job job) {
        return jobs.list(job.tenantId(), JobFilter.ofMappingScope(job.mappingScope()), 2, null).items().stream()
                .anyMatch(other -> !other.id().equals(job.id()));
    }
}
