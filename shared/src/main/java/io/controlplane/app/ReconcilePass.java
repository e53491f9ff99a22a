package io.controlplane.app;

import io.controlplane.ports.DispatchEvent;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a host's reconcile timer runs: the dispatchers' tick (each region's dispatcher looks again
 * at back-offs that ended and events that were lost), one {@link Reconcile} pass over every served
 * region, then the retention purge when one is due.
 */
public final class ReconcilePass {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcilePass.class);

    private final Set<String> regions;
    private final Dispatching dispatching;
    private final Reconcile reconcile;
    private final Retention retention;
    private final Clock clock;

    ReconcilePass(Set<String> regions, Dispatching dispatching, Reconcile reconcile, Retention retention, Clock clock) {
        this.regions = Set.copyOf(regions);
        this.dispatching = dispatching;
        this.reconcile = reconcile;
        this.retention = retention;
        this.clock = clock;
    }

    /** One pass; a failed purge is logged and tried again at the next pass. */
    public List<Reconcile.Report> run() {
        if (dispatching.leadership().eventsLead()) {
            var now = clock.instant();
            regions.forEach(r -> dispatching.bus().send(new DispatchEvent.Tick(r, now)));
        }
        List<Reconcile.Report> reports = reconcile.run();
        try {
            retention.purgeIfDue();
        } catch (RuntimeException e) {
            LOG.warn("event=retention_purge_failed error={}", e.toString());
        }
        return reports;
    }
}
