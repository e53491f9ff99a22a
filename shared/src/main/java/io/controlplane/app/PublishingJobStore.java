package io.controlplane.app;

import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdempotencyKey;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobEvent;
import io.controlplane.domain.Page;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The job store as every use case sees it: each write that commits publishes its state changes (its
 * history entries) and its checkpoints to {@link JobEvents}, so no use case has to remember to, and
 * nothing is published for a write that failed. Erasing a job or a tenant drops its kept events.
 */
final class PublishingJobStore implements JobStore {

    private final JobStore store;
    private final JobEvents events;

    PublishingJobStore(JobStore store, JobEvents events) {
        this.store = store;
        this.events = events;
    }

    @Override
    public Job create(Job job, List<HistoryEntry> entries, IdempotencyKey key, int maxActiveJobs) {
        Job created = store.create(job, entries, key, maxActiveJobs);
        publish(created.tenantId(), entries, List.of());
        return created;
    }

    @Override
    public Job update(Job job, List<HistoryEntry> entries) {
        Job updated = store.update(job, entries);
        publish(updated.tenantId(), entries, List.of());
        return updated;
    }

    @Override
    public Job update(Job job, List<HistoryEntry> entries, List<Checkpoint> checkpoints) {
        Job updated = store.update(job, entries, checkpoints);
        publish(updated.tenantId(), entries, checkpoints);
        return updated;
    }

    private void publish(String tenantId, List<HistoryEntry> entries, List<Checkpoint> checkpoints) {
        entries.forEach(entry -> events.publish(JobEvent.changed(tenantId, entry)));
        checkpoints.forEach(checkpoint -> events.publish(JobEvent.checkpointed(tenantId, checkpoint)));
    }

    @Override
    public boolean erase(Job job) {
        boolean erased = store.erase(job);
        events.forgetJob(job.tenantId(), job.id());
        return erased;
    }

    @Override
    public void eraseTenant(String tenantId) {
        store.eraseTenant(tenantId);
        events.forgetTenant(tenantId);
    }

    @Override
    public int unfinishedJobs(String tenantId, int atMost) {
        return store.unfinishedJobs(tenantId, atMost);
    }

    @Override
    public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        return store.findIdempotencyKey(tenantId, key);
    }

    @Override
    public Optional<Job> find(String tenantId, String jobId) {
        return store.find(tenantId, jobId);
    }

    @Override
    public List<Checkpoint> checkpoints(String tenantId, String jobId) {
        return store.checkpoints(tenantId, jobId);
    }

    @Override
    public Page<Job> list(String tenantId, JobFilter filter, int limit, String continuationToken) {
        return store.list(tenantId, filter, limit, continuationToken);
    }

    @Override
    public List<HistoryEntry> history(String tenantId, String jobId) {
        return store.history(tenantId, jobId);
    }

    @Override
    public List<IdempotencyKey> idempotencyKeys(String tenantId) {
        return store.idempotencyKeys(tenantId);
    }

    @Override
    public List<Job> finishedBefore(Instant before, int limit) {
        return store.finishedBefore(before, limit);
    }
}
