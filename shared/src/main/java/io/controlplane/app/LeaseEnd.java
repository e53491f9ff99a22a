package io.controlplane.app;

import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/**
 * What every end of a lease does, whoever ends it (completion, failure, release): the job's change
 * is written under the lease's fence with the last progress report folded in, a job that goes back
 * to the queue is requeued with its ready entry, and then the pending report is dropped and the
 * agent's slot freed.
 */
final class LeaseEnd {

    private final JobStore jobs;
    private final LeaseAccess leases;
    private final Requeue requeue;
    private final ReportProgress progress;
    private final SlotRelease slots;
    private final Clock clock;

    LeaseEnd(JobStore jobs, LeaseAccess leases, Requeue requeue, ReportProgress progress, SlotRelease slots, Clock clock) {
        this.jobs = jobs;
        this.leases = leases;
        this.requeue = requeue;
        this.progress = progress;
        this.slots = slots;
        this.clock = clock;
    }

    /**
     * Ends the lease with {@code write}, given the job as the lease holds it with its last report
     * folded in, and the time now; then drops the pending report and frees the agent's slot.
     *
     * @return the job as the lease held it, and the job as stored
     */
    LeaseAccess.Applied<Job> end(Caller caller, String leaseId, BiFunction<Job, Instant, Job> write) {
        LeaseAccess.Applied<Job> ended = leases.apply(caller, leaseId, job -> {
            Instant now = clock.instant();
            return write.apply(progress.withLastReport(job, now), now);
        });
        Job job = ended.checked();
        progress.discard(job.tenantId(), job.id());
        slots.free(job, leaseId);
        return ended;
    }

    /** Stores a transition: a job back in the queue with its ready entry, not before {@code notBefore} (null: at once). */
    Job store(Job.Transition transition, Instant notBefore) {
        return transition.job().state() == JobState.Queued
                ? requeue.enqueue(transition, notBefore)
                : jobs.update(transition.job(), List.of(transition.entry()));
    }

    /** Stores a job that leaves the queue for good, with its history entries. */
    Job store(Job job, List<HistoryEntry> entries) {
        return jobs.update(job, entries);
    }
}
