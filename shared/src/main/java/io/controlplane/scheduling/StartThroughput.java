package io.controlplane.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * How fast a region's queue drains: the jobs its dispatcher started (leased to an agent) over the
 * last {@link #WINDOW}, kept in memory. The rate is known once at least {@value #MIN_STARTS} starts
 * were seen over at least {@link #MIN_OBSERVED} of watching (a dispatcher that just took the
 * region over knows nothing yet). Thread-safe.
 */
public final class StartThroughput {

    /** How far back starts count. */
    public static final Duration WINDOW = Duration.ofMinutes(15);
    /** Starts needed before a rate is given. */
    public static final int MIN_STARTS = 3;
    /** Watching needed before a rate is given. */
    public static final Duration MIN_OBSERVED = Duration.ofMinutes(1);
    /** The most starts kept (a burst beyond it only makes the rate look lower than it is). */
    private static final int MAX_KEPT = 10_000;

    /**
     * @param perMinute jobs started a minute
     * @param starts the starts it was measured from
     */
    public record Rate(double perMinute, int starts) {
    }

    private final Instant since;
    private final Deque<Instant> starts = new ArrayDeque<>();

    /** @param since when watching began */
    public StartThroughput(Instant since) {
        this.since = since;
    }

    /** A job was started at {@code at}. */
    public synchronized void started(Instant at) {
        starts.addLast(at);
        if (starts.size() > MAX_KEPT) {
            starts.removeFirst();
        }
    }

    /** The rate over the window up to {@code now}, or empty while too little was seen. */
    public synchronized Optional<Rate> rate(Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!starts.isEmpty() && starts.peekFirst().isBefore(cutoff)) {
            starts.removeFirst();
        }
        Duration watched = Duration.between(since.isAfter(cutoff) ? since : cutoff, now);
        if (starts.size() < MIN_STARTS || watched.compareTo(MIN_OBSERVED) < 0) {
            return Optional.empty();
        }
        return Optional.of(new Rate(starts.size() / (watched.toMillis() / 60_000.0), starts.size()));
    }
}
