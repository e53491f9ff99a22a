package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.scheduling.StartThroughput;
import io.controlplane.scheduling.WaitReasons;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What the {@link Dispatcher} answers of the waiting jobs: why one waits and its place in line
 * ({@link Dispatcher#whyWaiting}), how fast the region's queue drains ({@link Dispatcher#startRate})
 * and the higher tiers' heads (for preemption), from the region's view where it is decided here.
 */
final class WaitAnswers {

    private final RegionViews views;
    private final ReadyQueue ready;
    private final WaitReasons waitReasons;
    private final FleetCopies fleets;
    private final Pools pools;
    private final DispatchSettings settings;

    WaitAnswers(RegionViews views, ReadyQueue ready, WaitReasons waitReasons, FleetCopies fleets, Pools pools,
                DispatchSettings settings) {
        this.views = views;
        this.ready = ready;
        this.waitReasons = waitReasons;
        this.fleets = fleets;
        this.pools = pools;
        this.settings = settings;
    }

    Optional<WaitReasons.Waiting> whyWaiting(Job job) {
        if (job.state() != JobState.Queued || !views.serves(job.spec().region())) {
            return Optional.empty();
        }
        String region = job.spec().region();
        Instant now = views.clock().instant();
        ReadyEntry probe = ReadyEntry.of(job, null, now);
        RegionView view = views.deciding(region);
        ReadyEntry entry = null;
        Collection<ReadyEntry> known = null;
        if (view != null) {
            synchronized (view) {
                view.drain();
                entry = view.ready.get(probe.key());
                known = List.copyOf(view.ready.values());
            }
        }
        boolean local = known != null;
        if (known == null) {
            entry = ready.find(region, probe.key()).orElse(null);
            known = ready.heads(region, settings.headsPerTier());
        }
        return Optional.of(waitReasons.explain(entry == null ? probe : entry, known, fleets.fleet(region), local,
                pools.directory(), fleets.running(region), now));
    }

    Optional<StartThroughput.Rate> startRate(String region) {
        RegionView view = views.deciding(region);
        if (view == null) {
            return Optional.empty();
        }
        return view.starts.rate(views.clock().instant());
    }

    Optional<List<ReadyEntry>> higherTierHeads(String region, int perTier) {
        RegionView view = views.existing(region);
        if (view == null || !view.loaded) {
            return Optional.empty();
        }
        synchronized (view) {
            view.drain(); // what became ready here and is not yet applied (its run may be queued)
            List<ReadyEntry> heads = new ArrayList<>();
            for (Tier tier : new Tier[] {Tier.Platinum, Tier.Premium}) {
                String prefix = ReadyEntry.keyPrefix(tier);
                view.ready.subMap(prefix, true, prefix + "\uffff", true).values().stream().limit(perTier).forEach(heads::add);
            }
            return Optional.of(heads);
        }
    }
}
