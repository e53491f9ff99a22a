package io.controlplane.adapters.memory;

import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.Page;
import io.controlplane.ports.ContinuationTokens;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** The job store in memory, for unit tests: same contract as the Table Storage adapter. */
public final class InMemoryJobStore implements JobStore {

    private final Map<String, TreeMap<String, Job>> jobsByTenant = new TreeMap<>();
    private final Map<String, List<HistoryEntry>> history = new TreeMap<>();
    private final AtomicLong versions = new AtomicLong();

    private final Map<String, io.controlplane.domain.IdempotencyKey> keys = new TreeMap<>();

    @Override
    public synchronized Job create(Job job, HistoryEntry created, io.controlplane.domain.IdempotencyKey key) {
        if (key != null && keys.containsKey(key(job.tenantId(), key.key()))) {
            throw new ConcurrencyConflictException("Idempotency-Key " + key.key() + " exists.");
        }
        Job stored = create(job, created);
        if (key != null) {
            keys.put(key(job.tenantId(), key.key()), new io.controlplane.domain.IdempotencyKey(key.key(), key.fingerprint(), job.id()));
        }
        return stored;
    }

    @Override
    public synchronized Optional<io.controlplane.domain.IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        return Optional.ofNullable(keys.get(key(tenantId, key)));
    }

    @Override
    public synchronized Job create(Job job, HistoryEntry created) {
        TreeMap<String, Job> jobs = jobsByTenant.computeIfAbsent(job.tenantId(), t -> new TreeMap<>());
        if (jobs.containsKey(job.id())) {
            throw new ConcurrencyConflictException("A job with id " + job.id() + " already exists.");
        }
        Job stored = job.withEtag(nextEtag());
        jobs.put(job.id(), stored);
        history.put(key(job.tenantId(), job.id()), new ArrayList<>(List.of(created)));
        return stored;
    }

    @Override
    public synchronized Optional<Job> find(String tenantId, String jobId) {
        return Optional.ofNullable(jobsByTenant.getOrDefault(tenantId, new TreeMap<>()).get(jobId));
    }

    private final Map<String, Map<String, io.controlplane.domain.Checkpoint>> checkpoints = new TreeMap<>();

    @Override
    public synchronized Job update(Job job, List<HistoryEntry> entries, List<io.controlplane.domain.Checkpoint> written) {
        Job stored = update(job, entries);
        Map<String, io.controlplane.domain.Checkpoint> byName =
                checkpoints.computeIfAbsent(key(job.tenantId(), job.id()), k -> new TreeMap<>());
        written.forEach(c -> byName.put(c.name(), c));
        return stored;
    }

    @Override
    public synchronized List<io.controlplane.domain.Checkpoint> checkpoints(String tenantId, String jobId) {
        return List.copyOf(checkpoints.getOrDefault(key(tenantId, jobId), Map.of()).values());
    }

    @Override
    public synchronized Job update(Job job, List<HistoryEntry> entries) {
        Job current = find(job.tenantId(), job.id()).orElseThrow(() -> new JobNotFoundException(job.id()));
        if (!current.etag().equals(job.etag())) {
            throw new ConcurrencyConflictException("Job " + job.id() + " was changed by someone else; read it again and retry.");
        }
        List<HistoryEntry> log = history.get(key(job.tenantId(), job.id()));
        for (HistoryEntry entry : entries) {
            if (log.stream().anyMatch(e -> e.sequence() == entry.sequence())) {
                throw new ConcurrencyConflictException("History entry " + entry.sequence() + " of job " + job.id() + " exists.");
            }
        }
        Job stored = job.withEtag(nextEtag());
        jobsByTenant.get(job.tenantId()).put(job.id(), stored);
        log.addAll(entries);
        return stored;
    }

    @Override
    public synchronized Page<Job> list(String tenantId, JobFilter filter, int limit, String continuationToken) {
        String after = ContinuationTokens.keyOf(continuationToken);
        TreeMap<String, Job> jobs = jobsByTenant.getOrDefault(tenantId, new TreeMap<>());
        Map<String, Job> tail = after == null ? jobs : jobs.tailMap(after, false);
        List<Job> items = new ArrayList<>();
        boolean more = false;
        for (Job job : tail.values()) {
            if (!filter.matches(job)) {
                continue;
            }
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(job);
        }
        return new Page<>(items, more ? ContinuationTokens.after(items.get(items.size() - 1).id()) : null);
    }

    @Override
    public synchronized List<HistoryEntry> history(String tenantId, String jobId) {
        return List.copyOf(history.getOrDefault(key(tenantId, jobId), List.of()));
    }

    private String nextEtag() {
        return "W/\"" + versions.incrementAndGet() + "\"";
    }

    private static String key(String tenantId, String jobId) {
        return tenantId + "\u0000" + jobId;
    }
}
