package io.controlplane.app;

import io.controlplane.ports.RegionLeadership;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Dispatcher}'s views of the regions it serves, one per region once it is first needed,
 * and who decides for each region now (this instance when it leads the region).
 */
final class RegionViews {

    private final Map<String, RegionView> views = new ConcurrentHashMap<>();
    private final Set<String> regions;
    private final RegionLeadership leadership;
    private final Clock clock;

    RegionViews(Set<String> regions, RegionLeadership leadership, Clock clock) {
        this.regions = regions;
        this.leadership = leadership;
        this.clock = clock;
    }

    /** Whether the region is one this deployment serves. */
    boolean serves(String region) {
        return regions.contains(region);
    }

    /** Whether this instance's dispatcher decides for the region now (it leads it). */
    boolean dispatches(String region) {
        return leadership.leads(region);
    }

    /** Whether the events the bus delivers here are this instance's to decide (Functions). */
    boolean eventsLead() {
        return leadership.eventsLead();
    }

    /** The region's view, made when first needed. */
    RegionView of(String region) {
        return views.computeIfAbsent(region, r -> new RegionView(r, clock.instant()));
    }

    /** The region's view if it was made (null: none yet). */
    RegionView existing(String region) {
        return views.get(region);
    }

    /** The region's view when it is loaded and this instance decides for the region (else null). */
    RegionView deciding(String region) {
        RegionView view = views.get(region);
        return view != null && view.loaded && dispatches(region) ? view : null;
    }

    Collection<RegionView> all() {
        return views.values();
    }

    Clock clock() {
        return clock;
    }
}
