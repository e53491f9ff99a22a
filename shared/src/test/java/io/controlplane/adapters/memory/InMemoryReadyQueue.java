package io.controlplane.adapters.memory;

import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** The ready queue in memory, for unit tests: same contract as the Table Storage adapter. */
public final class InMemoryReadyQueue implements ReadyQueue {

    private final Map<String, TreeMap<String, ReadyEntry>> regions = new TreeMap<>();
    private final AtomicLong versions = new AtomicLong();

    @Override
    public synchronized ReadyEntry put(ReadyEntry entry) {
        ReadyEntry stored = entry.withEtag("v" + versions.incrementAndGet());
        regions.computeIfAbsent(entry.region(), r -> new TreeMap<>()).put(entry.key(), stored);
        return stored;
    }

    @Override
    public synchronized List<ReadyEntry> heads(String region, int perTier) {
        List<ReadyEntry> heads = new ArrayList<>();
        Map<Tier, Integer> taken = new EnumMap<>(Tier.class);
        for (ReadyEntry e : regions.getOrDefault(region, new TreeMap<>()).values()) {
            int n = taken.merge(e.tier(), 1, Integer::sum);
            if (n <= perTier) {
                heads.add(e);
            }
        }
        return heads;
    }

    @Override
    public synchronized List<ReadyEntry> page(String region, Tier tier, String afterKey, int limit) {
        List<ReadyEntry> page = new ArrayList<>();
        TreeMap<String, ReadyEntry> queue = regions.getOrDefault(region, new TreeMap<>());
        for (ReadyEntry e : (afterKey == null ? queue : queue.tailMap(afterKey, false)).values()) {
            if (e.tier() == tier && page.size() < limit) {
                page.add(e);
            }
        }
        return page;
    }

    @Override
    public synchronized java.util.Optional<ReadyEntry> find(String region, String key) {
        return java.util.Optional.ofNullable(regions.getOrDefault(region, new TreeMap<>()).get(key));
    }

    @Override
    public synchronized boolean remove(ReadyEntry entry) {
        TreeMap<String, ReadyEntry> queue = regions.get(entry.region());
        ReadyEntry current = queue == null ? null : queue.get(entry.key());
        if (current == null || (entry.etag() != null && !entry.etag().equals(current.etag()))) {
            return false;
        }
        queue.remove(entry.key());
        return true;
    }

    @Override
    public synchronized Map<Tier, Depth> depths(String region) {
        Map<Tier, Depth> depths = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            long count = 0;
            Instant oldest = null;
            for (ReadyEntry e : regions.getOrDefault(region, new TreeMap<>()).values()) {
                if (e.tier() == tier) {
                    count++;
                    oldest = oldest == null || e.enqueuedAt().isBefore(oldest) ? e.enqueuedAt() : oldest;
                }
            }
            depths.put(tier, new Depth(count, oldest));
        }
        return depths;
    }

    /** Everything stored, as comparable immutable values (for tests that assert "nothing changed"). */
    public synchronized Map<String, Map<String, ReadyEntry>> contents() {
        Map<String, Map<String, ReadyEntry>> copy = new TreeMap<>();
        regions.forEach((region, entries) -> copy.put(region, Map.copyOf(entries)));
        return copy;
    }
}
