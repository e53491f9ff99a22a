package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link Dispatcher}'s reads of a region's ready table: the whole set once, when the region is
 * first needed here, then, while agents wait, the heads and a page of a sweep round the whole set
 * every poll interval, each compared with what the view holds. Called under the view's monitor.
 */
final class ReadyLooks {

    /**
     * Ready entries the view compares with the table per look, besides the heads: a sweep that goes
     * round the whole ready set a page per look, so work queued elsewhere deep behind the heads is
     * seen too, at a bounded cost per look whatever the queue's depth.
     */
    static final int SWEEP_PAGE = 200;
    /** Ready entries read per page when a view is loaded. */
    private static final int LOAD_PAGE = 1000;

    private final ReadyQueue ready;
    private final DispatchSettings settings;

    ReadyLooks(ReadyQueue ready, DispatchSettings settings) {
        this.ready = ready;
        this.settings = settings;
    }

    /** Reads the region's whole ready set (once, when the region is first needed here). */
    void load(RegionView view) {
        TreeMap<String, ReadyEntry> all = new TreeMap<>();
        for (Tier tier : Tier.values()) {
            String after = null;
            while (true) {
                List<ReadyEntry> page = ready.page(view.region, tier, after, LOAD_PAGE);
                page.forEach(e -> all.put(e.key(), e));
                if (page.size() < LOAD_PAGE) {
                    break;
                }
                after = page.get(page.size() - 1).key();
            }
        }
        view.ready.clear();
        view.keyByJob.clear();
        view.known.clear();
        all.values().forEach(view::put);
        view.loaded = true;
        view.headsReadAt = System.nanoTime();
        view.refreshNow = false;
    }

    /**
     * While agents wait here, every poll interval: the heads of each tier (work another instance
     * queued, whose intake message went elsewhere) and the next page of the sweep round the whole
     * set, each compared with what the view holds of that key range.
     */
    void refreshIfDue(RegionView view, Instant now) {
        long at = System.nanoTime();
        if (!view.refreshNow && at - view.headsReadAt < settings.pollInterval().toNanos()) {
            return;
        }
        view.refreshNow = false;
        view.headsReadAt = at;
        int perTier = settings.headsPerTier();
        List<ReadyEntry> heads = ready.heads(view.region, perTier);
        for (Tier tier : Tier.values()) {
            List<ReadyEntry> ofTier = heads.stream().filter(e -> e.tier() == tier).toList();
            compare(view, tier, null, ofTier, ofTier.size() >= perTier, now);
        }
        Tier tier = Tier.values()[view.sweepTier];
        List<ReadyEntry> page = ready.page(view.region, tier, view.sweptUpTo, SWEEP_PAGE);
        boolean full = page.size() >= SWEEP_PAGE;
        compare(view, tier, view.sweptUpTo, page, full, now);
        if (full) {
            view.sweptUpTo = page.get(page.size() - 1).key();
        } else {
            view.sweptUpTo = null;
            view.sweepTier = (view.sweepTier + 1) % Tier.values().length;
        }
    }

    /**
     * Makes the view agree with what was read of one tier after {@code afterKey} (null: from its
     * head): up to the last key read when {@code full} (more follow), else to the tier's end. An entry
     * the view holds there and the table no longer does was taken or removed elsewhere, unless it
     * is younger than a poll interval (written after the read began).
     */
    private void compare(RegionView view, Tier tier, String afterKey, List<ReadyEntry> read, boolean full, Instant now) {
        String prefix = ReadyEntry.keyPrefix(tier);
        String from = afterKey == null ? prefix : afterKey;
        String to = full ? read.get(read.size() - 1).key() : prefix + "\uffff";
        Set<String> seen = new HashSet<>();
        read.forEach(e -> seen.add(e.key()));
        List<ReadyEntry> gone = view.ready.subMap(from, afterKey == null, to, true).values().stream()
                .filter(e -> !seen.contains(e.key()))
                .filter(e -> e.insertedAt() == null || e.insertedAt().isBefore(now.minus(settings.pollInterval())))
                .toList();
        gone.forEach(view::drop);
        view.forgetTakenBefore(now.minus(settings.staleEntryGrace()));
        read.stream().filter(e -> !view.taken.containsKey(e.key())).forEach(view::put);
    }
}
