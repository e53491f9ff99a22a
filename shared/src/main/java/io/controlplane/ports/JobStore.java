package io.controlplane.ports;

import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdempotencyKey;
import io.controlplane.domain.Job;
import io.controlplane.domain.Page;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Durable home of jobs and their history, partitioned by tenant. Every change is conditional:
 * a job carries the etag it was read with, and a write against a newer version fails with
 * {@link io.controlplane.domain.ConcurrencyConflictException} having changed nothing. A job and the
 * history entries of one change are written atomically.
 */
public interface JobStore {

    /** No limit on a tenant's unfinished jobs (see {@link #create(Job, HistoryEntry, IdempotencyKey, int)}). */
    int UNLIMITED = Integer.MAX_VALUE;

    /**
     * Stores a new job with its creation entry.
     *
     * @return the job with its etag
     * @throws io.controlplane.domain.ConcurrencyConflictException if a job with that id exists
     */
    default Job create(Job job, HistoryEntry created) {
        return create(job, created, null, UNLIMITED);
    }

    /** As {@link #create(Job, HistoryEntry, IdempotencyKey, int)} without a limit. */
    default Job create(Job job, HistoryEntry created, IdempotencyKey key) {
        return create(job, created, key, UNLIMITED);
    }

    /**
     * Stores a new job with its creation entry and, if not null, {@code key} (with the job's id), in
     * one transaction, provided the tenant has fewer than {@code maxActiveJobs} unfinished jobs
     * (not Completed, Failed or Cancelled). The check holds under concurrent creations: two
     * creations that both saw a free slot cannot both commit.
     *
     * @throws io.controlplane.domain.ConcurrencyConflictException if the key or the job id exists
     * @throws io.controlplane.domain.QuotaExceededException if the tenant has {@code maxActiveJobs} unfinished jobs
     */
    default Job create(Job job, HistoryEntry created, IdempotencyKey key, int maxActiveJobs) {
        return create(job, List.of(created), key, maxActiveJobs);
    }

    /**
     * As {@link #create(Job, HistoryEntry, IdempotencyKey, int)}, with every history entry of the
     * job so far (its creation, then, for a job claimed as it is created, its lease), in the same
     * transaction.
     */
    Job create(Job job, List<HistoryEntry> entries, IdempotencyKey key, int maxActiveJobs);

    /**
     * The tenant's unfinished jobs (not Completed, Failed or Cancelled), counted up to {@code atMost}:
     * what a dry run of a submission checks against the quota (the submission itself counts again,
     * in its creation transaction).
     */
    int unfinishedJobs(String tenantId, int atMost);

    /** The stored use of an Idempotency-Key by a tenant, if any. */
    Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key);

    Optional<Job> find(String tenantId, String jobId);

    /**
     * Replaces the stored job if it still has {@code job.etag()}, and appends {@code entries}, all or nothing.
     *
     * @return the job with its new etag
     * @throws io.controlplane.domain.ConcurrencyConflictException when the stored version differs
     * @throws io.controlplane.domain.JobNotFoundException when the job no longer exists
     */
    Job update(Job job, List<HistoryEntry> entries);

    /**
     * As {@link #update(Job, List)}, and writes (inserts or replaces) {@code checkpoints} in the same
     * transaction: a checkpoint is stored only if the job still has the version (so the lease) it
     * was checked against. At most 98 history entries and checkpoints together.
     */
    Job update(Job job, List<HistoryEntry> entries, List<Checkpoint> checkpoints);

    /** The job's checkpoints, by name. */
    List<Checkpoint> checkpoints(String tenantId, String jobId);

    /** Jobs of one tenant in id order (ids are time-ordered), filtered, a page at a time. */
    Page<Job> list(String tenantId, JobFilter filter, int limit, String continuationToken);

    /** The job's history, oldest first; empty when the job does not exist. */
    List<HistoryEntry> history(String tenantId, String jobId);

    /** The tenant's stored Idempotency-Keys (for export). */
    List<IdempotencyKey> idempotencyKeys(String tenantId);

    /**
     * Deletes the job with its history, checkpoints and the Idempotency-Keys that name it, provided
     * it still has {@code job.etag()}. The job row goes last, so an interrupted erase leaves the job
     * readable and can be run again.
     *
     * @return false when the job did not exist
     * @throws io.controlplane.domain.ConcurrencyConflictException when the stored version differs
     */
    boolean erase(Job job);

    /** Deletes everything stored for the tenant (jobs, history, checkpoints, keys and guards). */
    void eraseTenant(String tenantId);

    /**
     * Finished jobs (Completed, Failed or Cancelled) last changed before {@code before}, of every
     * tenant, at most {@code limit}: candidates for the retention purge.
     */
    List<Job> finishedBefore(Instant before, int limit);
}
