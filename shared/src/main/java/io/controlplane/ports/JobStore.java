package io.controlplane.ports;

import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.Page;
import java.util.List;
import java.util.Optional;

/**
 * Durable home of jobs and their history, partitioned by tenant. Every change is conditional:
 * a job carries the etag it was read with, and a write against a newer version fails with
 * {@link io.controlplane.domain.ConcurrencyConflictException} having changed nothing. A job and the
 * history entries of one change are written atomically.
 */
public interface JobStore {

    /**
     * Stores a new job with its creation entry.
     *
     * @return the job with its etag
     * @throws io.controlplane.domain.ConcurrencyConflictException if a job with that id exists
     */
    Job create(Job job, HistoryEntry created);

    /**
     * As {@link #create(Job, HistoryEntry)}, storing {@code key} (with the job's id) in the same
     * transaction.
     *
     * @throws io.controlplane.domain.ConcurrencyConflictException if the key or the job id exists
     */
    Job create(Job job, HistoryEntry created, io.controlplane.domain.IdempotencyKey key);

    /** The stored use of an Idempotency-Key by a tenant, if any. */
    Optional<io.controlplane.domain.IdempotencyKey> findIdempotencyKey(String tenantId, String key);

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
    Job update(Job job, List<HistoryEntry> entries, List<io.controlplane.domain.Checkpoint> checkpoints);

    /** The job's checkpoints, by name. */
    List<io.controlplane.domain.Checkpoint> checkpoints(String tenantId, String jobId);

    /** Jobs of one tenant in id order (ids are time-ordered), filtered, a page at a time. */
    Page<Job> list(String tenantId, JobFilter filter, int limit, String continuationToken);

    /** The job's history, oldest first; empty when the job does not exist. */
    List<HistoryEntry> history(String tenantId, String jobId);
}
