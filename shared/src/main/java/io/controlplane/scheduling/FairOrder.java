package io.controlplane.scheduling;

import io.controlplane.domain.ReadyEntry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The ready jobs in the order a match round offers them, with fair share between tenants: a pure
 * function of the entries, the tenants' running jobs and their weights, no I/O.
 *
 * <p>Effective tier first ({@link DispatchPolicy#effectiveRank}, aging included), as before. Within
 * one effective tier, the tenant whose running jobs are furthest below its share goes next: the
 * lowest {@code (running + given this round) / weight}, then the one whose next job waited
 * longest; each tenant's own jobs in age order. So a tenant that queued 500 jobs first takes turns
 * with one that queued ten after it, instead of holding every slot until its 500 are done; with
 * weights 3 and 1 the first gets about three of every four.
 */
final class FairOrder {

    /** One tenant's jobs of the current effective tier, oldest first. */
    private static final class Line {
        final String tenantId;
        final Deque<ReadyEntry> entries = new ArrayDeque<>();
        double load;

        Line(String tenantId) {
            this.tenantId = tenantId;
        }
    }

    private static final Comparator<Line> FAIREST = Comparator.<Line>comparingDouble(l -> l.load)
            .thenComparing(l -> l.entries.peekFirst().enqueuedAt())
            .thenComparing(l -> l.entries.peekFirst().jobId());

    private final DispatchPolicy policy;
    private final Instant now;
    private final List<ReadyEntry> ordered;
    private final Map<String, Integer> running;
    private final PoolDirectory pools;
    private final boolean fair;
    private final Map<String, Integer> given = new HashMap<>();
    private final PriorityQueue<Line> lines = new PriorityQueue<>(FAIREST);
    private int next;
    private Line taken;

    /**
     * @param running the region's running jobs per tenant (absent: none)
     * @param fair false: the dispatch order as it is (oldest first within an effective tier)
     */
    FairOrder(DispatchPolicy policy, List<ReadyEntry> eligible, Instant now, Map<String, Integer> running, PoolDirectory pools,
              boolean fair) {
        this.fair = fair;
        this.policy = policy;
        this.now = now;
        this.ordered = policy.order(eligible, now);
        this.running = running;
        this.pools = pools;
    }

    /** The next job to offer, or null when every one was offered. */
    ReadyEntry next() {
        if (!fair) {
            return next < ordered.size() ? ordered.get(next++) : null;
        }
        if (taken != null) {
            if (!taken.entries.isEmpty()) {
                taken.load = load(taken.tenantId);
                lines.add(taken);
            }
            taken = null;
        }
        if (lines.isEmpty()) {
            fillNextTier();
        }
        taken = lines.poll();
        return taken == null ? null : taken.entries.pollFirst();
    }

    /** The job last offered was given to an agent: its tenant has one more running. */
    void given(ReadyEntry entry) {
        given.merge(entry.tenantId(), 1, Integer::sum);
    }

    /** The lines of the next effective tier, from the dispatch order. */
    private void fillNextTier() {
        if (next >= ordered.size()) {
            return;
        }
        int rank = policy.effectiveRank(ordered.get(next), now);
        Map<String, Line> byTenant = new LinkedHashMap<>();
        for (ReadyEntry entry = ordered.get(next); ; entry = ordered.get(next)) {
            byTenant.computeIfAbsent(entry.tenantId(), Line::new).entries.add(entry);
            if (++next >= ordered.size() || policy.effectiveRank(ordered.get(next), now) != rank) {
                break;
            }
        }
        for (Line line : byTenant.values()) {
            line.load = load(line.tenantId);
            lines.add(line);
        }
    }

    private double load(String tenantId) {
        return (running.getOrDefault(tenantId, 0) + given.getOrDefault(tenantId, 0)) / (double) pools.weightOf(tenantId);
    }
}
