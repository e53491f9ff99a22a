package io.controlplane.app;

import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdempotencyKey;
import io.controlplane.domain.Job;
import io.controlplane.domain.QuotaExceededException;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.ReadyQueue;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a job (back) in its region's ready queue, crash-safely: the ready entry is written first,
 * then the job change. A crash between the two leaves an entry whose job is not queued; claims skip
 * it and reconciliation deletes it once it is older than the stale-entry grace, or finishes the
 * requeue (the agent record still lists the lease). The intake message only wakes dispatch.
 */
final class Requeue {

    private static final Logger LOG = LoggerFactory.getLogger(Requeue.class);

    private final JobStore jobs;
    private final ReadyQueue ready;
    private final IntakeQueue intake;
    private final ReadySignal signal;
    private final Clock clock;
    private final Executor background;

    public Requeue(JobStore jobs, ReadyQueue ready, IntakeQueue intake, ReadySignal signal, Clock clock,
                   Executor background) {
        this.background = background;
        this.jobs = jobs;
        this.ready = ready;
        this.intake = intake;
        this.signal = signal;
        this.clock = clock;
    }

    /** A new job: entry, then the job with its creation entry and (if any) its Idempotency-Key, then announced. */
    public Job submit(Job queued, HistoryEntry created, IdempotencyKey key,
                      int maxActiveJobs) {
        ReadyEntry entry = ready.put(ReadyEntry.of(queued, null, clock.instant()));
        Job stored;
        try {
            stored = jobs.create(queued, created, key, maxActiveJobs);
        } catch (QuotaExceededException refused) {
            // Nothing was stored for the job: take its entry back now rather than leave it to reconciliation.
            ready.remove(entry);
            throw refused;
        }
        announce(stored, entry);
        return stored;
    }

    /**
     * Writes the ready entry, then the job changed by {@code back} (a transition to Queued) with its
     * history entry, then announces it; {@code notBefore} holds a retry back (null: at once).
     */
    public Job enqueue(Job.Transition back, Instant notBefore) {
        ReadyEntry entry = ready.put(ReadyEntry.of(back.job(), notBefore, clock.instant()));
        Job stored = jobs.update(back.job(), List.of(back.entry()));
        announce(stored, entry);
        return stored;
    }

    /** Wakes local waiters at once and other instances through the intake queue (best effort). */
    public void announce(Job job, ReadyEntry stored) {
        signal.ready(stored, job);
        IntakeMessage message = new IntakeMessage(job.spec().region(), job.spec().tier(), job.tenantId(), job.id(), job.epoch());
        try {
            background.execute(() -> publish(message));
        } catch (RejectedExecutionException shuttingDown) {
            publish(message);
        }
    }

    private void publish(IntakeMessage message) {
        try {
            intake.publish(message);
        } catch (RuntimeException e) {
            // The ready entry is stored: polling agents and the reconcile pass still find the job.
            LOG.warn("event=intake_publish_failed jobId={} tenant={} region={} error={}", message.jobId(),
                    message.tenantId(), message.region(), e.toString());
        }
    }
}
