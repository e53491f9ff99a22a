package io.controlplane.bench;

import static io.controlplane.bench.CountingStores.JOBS;

import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdempotencyKey;
import io.controlplane.domain.Job;
import io.controlplane.domain.Page;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link JobStore} that counts each call in a {@link PartitionTally} under the tenant's partition
 * of the jobs table ({@link CountingStores} says how entities are counted). It keeps the count of
 * each tenant's unfinished jobs, the markers a quota check reads.
 */
final class CountingJobStore extends CountingPort<JobStore> implements JobStore {
    /** Unfinished jobs per tenant: the markers a quota check reads. */
    private final Map<String, AtomicInteger> unfinished = new ConcurrentHashMap<>();

    CountingJobStore(JobStore d, PartitionTally t) {
        super(d, t);
    }

    private AtomicInteger unfinished(String tenantId) {
        return unfinished.computeIfAbsent(tenantId, k -> new AtomicInteger());
    }

    @Override
    public Job create(Job job, List<HistoryEntry> created, IdempotencyKey key, int maxActiveJobs) {
        if (maxActiveJobs != UNLIMITED) {
            // the guard row and the markers, read before the conditional commit
            t.count(JOBS, job.tenantId(), "create.quotaCount", 1 + Math.min(unfinished(job.tenantId()).get(), maxActiveJobs));
        }
        Job stored = d.create(job, created, key, maxActiveJobs);
        boolean open = !job.state().isTerminal();
        t.count(JOBS, job.tenantId(), "create", 1 + created.size() + (key != null ? 1 : 0) + (open ? 1 : 0)
                + (maxActiveJobs != UNLIMITED ? 1 : 0));
        if (open) {
            unfinished(job.tenantId()).incrementAndGet();
        }
        return stored;
    }

    @Override
    public int unfinishedJobs(String tenantId, int atMost) {
        t.count(JOBS, tenantId, "unfinishedJobs", 1 + Math.min(unfinished(tenantId).get(), atMost));
        return d.unfinishedJobs(tenantId, atMost);
    }

    @Override
    public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        t.count(JOBS, tenantId, "findIdempotencyKey", 1);
        return d.findIdempotencyKey(tenantId, key);
    }

    @Override
    public Optional<Job> find(String tenantId, String jobId) {
        t.count(JOBS, tenantId, "find", 1);
        return d.find(tenantId, jobId);
    }

    @Override
    public Job update(Job job, List<HistoryEntry> entries) {
        return update(job, entries, List.of());
    }

    @Override
    public Job update(Job job, List<HistoryEntry> entries, List<Checkpoint> checkpoints) {
        Job stored;
        try {
            stored = checkpoints.isEmpty() ? d.update(job, entries) : d.update(job, entries, checkpoints);
        } catch (RuntimeException refused) {
            t.count(JOBS, job.tenantId(), "update(refused)", 1);
            throw refused;
        }
        boolean finishes = job.state().isTerminal();
        t.count(JOBS, job.tenantId(), "update", 1 + entries.size() + checkpoints.size() + (finishes ? 1 : 0));
        if (finishes) {
            unfinished(job.tenantId()).decrementAndGet();
        }
        return stored;
    }

    @Override
    public List<Checkpoint> checkpoints(String tenantId, String jobId) {
        List<Checkpoint> found = d.checkpoints(tenantId, jobId);
        t.count(JOBS, tenantId, "checkpoints", found.size());
        return found;
    }

    @Override
    public Page<Job> list(String tenantId, JobFilter filter, int limit, String continuationToken) {
        Page<Job> page = d.list(tenantId, filter, limit, continuationToken);
        t.count(JOBS, tenantId, "list", page.items().size());
        return page;
    }

    @Override
    public List<HistoryEntry> history(String tenantId, String jobId) {
        List<HistoryEntry> found = d.history(tenantId, jobId);
        t.count(JOBS, tenantId, "history", found.size());
        return found;
    }

    @Override
    public List<IdempotencyKey> idempotencyKeys(String tenantId) {
        List<IdempotencyKey> found = d.idempotencyKeys(tenantId);
        t.count(JOBS, tenantId, "idempotencyKeys", found.size());
        return found;
    }

    @Override
    public boolean erase(Job job) {
        boolean erased = d.erase(job);
        t.count(JOBS, job.tenantId(), "erase", 1);
        return erased;
    }

    @Override
    public void eraseTenant(String tenantId) {
        t.count(JOBS, tenantId, "eraseTenant", 1);
        d.eraseTenant(tenantId);
    }

    @Override
    public List<Job> finishedBefore(Instant before, int limit) {
        List<Job> found = d.finishedBefore(before, limit);
        t.count(JOBS, "*", "finishedBefore", found.size());
        return found;
    }
}
