package io.controlplane.ports;

import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A region's jobs waiting for agents, kept in dispatch order (tier, then submission time). Reads
 * take the head of each tier, so choosing a job never scans the whole queue.
 */
public interface ReadyQueue {

    /** Inserts or replaces the job's entry (same job, same key: idempotent). */
    ReadyEntry put(ReadyEntry entry);

    /** Up to {@code perTier} entries from the head of each tier of the region. */
    List<ReadyEntry> heads(String region, int perTier);

    /** Up to {@code limit} entries of one tier after {@code afterKey} (null: from the head), in order. */
    List<ReadyEntry> page(String region, Tier tier, String afterKey, int limit);

    /** The entry stored under {@code key} (see {@link ReadyEntry#key()}), with its etag, if any. */
    Optional<ReadyEntry> find(String region, String key);

    /** Removes the entry if it is still the version read; false when it changed or is gone. */
    boolean remove(ReadyEntry entry);

    /** Depth and oldest submission time per tier (for operators and metrics). */
    Map<Tier, Depth> depths(String region);

    /** Queue depth of one tier. */
    record Depth(long count, Instant oldestEnqueuedAt) {
    }
}
