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
    public synchronized int unfinishedJobs(String tenantId, int atMost) {
        return (int) Math.min(atMost, jobsByTenant.getOrDefault(tenantId, new TreeMap<>()).values().stream()
                .filter(j -> !j.state().isTerminal()).count());
    }

    @Override
    public synchronized Job create(Job job, List<HistoryEntry> created, io.controlplane.domain.IdempotencyKey key, int maxActiveJobs) {
        if (key != null && keys.containsKey(key(job.tenantId(), key.key()))) {
            throw new ConcurrencyConflictException("Idempotency-Key " + key.key() + " exists.");
        }
        long unfinished = jobsByTenant.getOrDefault(job.tenantId(), new TreeMap<>()).values().stream()
                .filter(j -> !j.state().isTerminal()).count();
        if (unfinished >= maxActiveJobs) {
            throw new io.controlplane.domain.QuotaExceededException(job.tenantId(), maxActiveJobs);
        }
        Job stored = createJob(job, created);
        if (key != null) {
            keys.put(key(job.tenantId(), key.key()), new io.controlplane.domain.IdempotencyKey(key.key(), key.fingerprint(), job.id()));
        }
        return stored;
    }

    @Override
    public synchronized Optional<io.controlplane.domain.IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        return Optional.ofNullable(keys.get(key(tenantId, key)));
    }

    private Job createJob(Job job, List<HistoryEntry> created) {
        TreeMap<String, Job> jobs = jobsByTenant.computeIfAbsent(job.tenantId(), t -> new TreeMap<>());
        if (jobs.containsKey(job.id())) {
            throw new ConcurrencyConflictException("A job with id " + job.id() + " already exists.");
        }
        Job stored = job.withEtag(nextEtag());
        jobs.put(job.id(), stored);
        history.put(key(job.tenantId(), job.id()), new ArrayList<>(created));
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

    @Override
    public synchronized List<io.controlplane.domain.IdempotencyKey> idempotencyKeys(String tenantId) {
        return keys.entrySet().stream().filter(e -> e.getKey().startsWith(tenantId + "\u0000")).map(Map.Entry::getValue).toList();
    }

    @Override
    public synchronized boolean erase(Job job) {
        Optional<Job> stored = find(job.tenantId(), job.id());
        if (stored.isEmpty()) {
            return false;
        }
        if (!stored.get().etag().equals(job.etag())) {
            throw new ConcurrencyConflictException("Job " + job.id() + " was changed by someone else; read it again and retry.");
        }
        history.remove(key(job.tenantId(), job.id()));
        checkpoints.remove(key(job.tenantId(), job.id()));
        keys.values().removeIf(k -> k.jobId().equals(job.id()));
        jobsByTenant.get(job.tenantId()).remove(job.id());
        return true;
    }

    @Override
    public synchronized void eraseTenant(String tenantId) {
        String prefix = tenantId + "\u0000";
        jobsByTenant.remove(tenantId);
        history.keySet().removeIf(k -> k.startsWith(prefix));
        checkpoints.keySet().removeIf(k -> k.startsWith(prefix));
        keys.keySet().removeIf(k -> k.startsWith(prefix));
    }

    @Override
    public synchronized List<Job> finishedBefore(java.time.Instant before, int limit) {
        return jobsByTenant.values().stream().flatMap(jobs -> jobs.values().stream())
                .filter(j -> j.state().isTerminal() && j.updatedAt().isBefore(before)).limit(limit).toList();
    }

    /** Every tenant that has anything stored here (for erase tests). */
    public synchronized java.util.Set<String> tenantsWithData() {
        java.util.Set<String> tenants = new java.util.TreeSet<>();
        jobsByTenant.forEach((t, jobs) -> {
            if (!jobs.isEmpty()) {
                tenants.add(t);
            }
        });
        java.util.stream.Stream.of(history.keySet(), checkpoints.keySet(), keys.keySet())
                .flatMap(java.util.Set::stream).forEach(k -> tenants.add(k.substring(0, k.indexOf('\u0000'))));
        return tenants;
    }

    /** Everything stored, as comparable immutable values (for tests that assert "nothing changed"). */
    public synchronized Map<String, Object> contents() {
        Map<String, Object> jobs = new TreeMap<>();
        jobsByTenant.forEach((tenant, byId) -> jobs.put(tenant, Map.copyOf(byId)));
        Map<String, Object> logs = new TreeMap<>();
        history.forEach((key, log) -> logs.put(key, List.copyOf(log)));
        Map<String, Object> saved = new TreeMap<>();
        checkpoints.forEach((key, byName) -> saved.put(key, Map.copyOf(byName)));
        return Map.of("jobs", jobs, "history", logs, "checkpoints", saved, "idempotencyKeys", Map.copyOf(keys));
    }
}
