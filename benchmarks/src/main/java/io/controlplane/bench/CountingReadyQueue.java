package io.controlplane.bench;

import static io.controlplane.bench.CountingStores.READY;

import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link ReadyQueue} that counts each call in a {@link PartitionTally} under the region's partition of the ready table. */
final class CountingReadyQueue extends CountingPort<ReadyQueue> implements ReadyQueue {

    CountingReadyQueue(ReadyQueue d, PartitionTally t) {
        super(d, t);
    }

    @Override
    public ReadyEntry put(ReadyEntry entry) {
        t.count(READY, entry.region(), "put", 1);
        return d.put(entry);
    }

    @Override
    public List<ReadyEntry> heads(String region, int perTier) {
        List<ReadyEntry> found = d.heads(region, perTier);
        t.count(READY, region, "heads", found.size());
        return found;
    }

    @Override
    public List<ReadyEntry> page(String region, Tier tier, String afterKey, int limit) {
        List<ReadyEntry> found = d.page(region, tier, afterKey, limit);
        t.count(READY, region, "page", found.size());
        return found;
    }

    @Override
    public Optional<ReadyEntry> find(String region, String key) {
        t.count(READY, region, "find", 1);
        return d.find(region, key);
    }

    @Override
    public boolean remove(ReadyEntry entry) {
        t.count(READY, entry.region(), "remove", 1);
        return d.remove(entry);
    }

    @Override
    public Map<Tier, Depth> depths(String region) {
        Map<Tier, Depth> found = d.depths(region);
        // the Table Storage adapter counts by reading the partition's entries
        t.count(READY, region, "depths", found.values().stream().mapToLong(Depth::count).sum());
        return found;
    }
}
