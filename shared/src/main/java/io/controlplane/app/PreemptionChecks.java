package io.controlplane.app;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When the preemption checks that intake messages ask for run: one pending per region (messages
 * meanwhile share it), and one region's checks at least {@link #MIN_GAP} apart, so a burst of
 * Platinum or Premium submissions costs one check, not one each (a check reads the region's fleet
 * as this instance knows it, and the jobs of its candidate victims). The host runs the checks on its
 * timer; the reconcile pass runs its own besides.
 */
public final class PreemptionChecks {

    /** Intake-triggered checks of one region are at least this far apart. */
    public static final Duration MIN_GAP = Duration.ofMillis(50);

    private final Map<String, Instant> pending = new HashMap<>();
    private final Map<String, Instant> last = new HashMap<>();

    /**
     * A check of {@code region} is wanted from {@code earliest} on: the time to run it at, or empty
     * when one is already pending (it will do).
     */
    public synchronized Optional<Instant> request(String region, Instant earliest) {
        if (pending.containsKey(region)) {
            return Optional.empty();
        }
        Instant previous = last.get(region);
        Instant at = previous != null && previous.plus(MIN_GAP).isAfter(earliest) ? previous.plus(MIN_GAP) : earliest;
        pending.put(region, at);
        return Optional.of(at);
    }

    /** The pending check of {@code region} runs now. */
    public synchronized void running(String region, Instant now) {
        pending.remove(region);
        last.put(region, now);
    }
}
