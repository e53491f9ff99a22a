package io.controlplane.scheduling;

import io.controlplane.domain.Eta;
import java.time.Instant;
import java.util.Optional;

/**
 * When a queued job is expected to start: it is the {@code jobsAhead + 1}-th start from now, at the
 * region's recent start rate ({@link StartThroughput}). The range allows for chance in when the
 * starts come (plus or minus the square root of their number) and for the rate being measured
 * from few starts (plus or minus one over the square root of how many were seen).
 */
public final class QueueStartEstimate {

    /** The slowest the rate is taken to be, as a share of the measured one. */
    private static final double SLOWEST_SHARE = 0.25;

    private QueueStartEstimate() {
    }

    /** The start estimate ({@link Eta#QUEUE_POSITION}), or empty without a known rate. */
    public static Optional<Eta> estimate(int jobsAhead, Optional<StartThroughput.Rate> rate, Instant now) {
        if (rate.isEmpty() || rate.get().perMinute() <= 0 || jobsAhead < 0) {
            return Optional.empty();
        }
        double perMinute = rate.get().perMinute();
        double error = 1 / Math.sqrt(rate.get().starts());
        double starts = jobsAhead + 1.0;
        double spread = Math.sqrt(starts);
        Instant at = after(now, starts / perMinute);
        Instant low = after(now, Math.max(0, starts - spread) / (perMinute * (1 + error)));
        Instant high = after(now, (starts + spread) / (perMinute * Math.max(SLOWEST_SHARE, 1 - error)));
        return Optional.of(new Eta(at, low, high, Eta.QUEUE_POSITION));
    }

    private static Instant after(Instant now, double minutes) {
        return now.plusMillis(Math.round(minutes * 60_000));
    }
}
