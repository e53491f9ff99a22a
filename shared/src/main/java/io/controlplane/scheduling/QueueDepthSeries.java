package io.controlplane.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The recent depth of one queue (a region's tier), for charts: one sample a minute at most, from
 * the readings offered (each reading of the queue's depth, whoever made it), the last hour of them.
 * Thread-safe; at most {@value #MAX_SAMPLES} samples.
 */
public final class QueueDepthSeries {

    /** The least time between two samples. */
    public static final Duration INTERVAL = Duration.ofMinutes(1);
    /** How far back samples are kept. */
    public static final Duration SPAN = Duration.ofHours(1);
    static final int MAX_SAMPLES = 61;

    /**
     * @param at when the depth was read
     * @param depth the jobs waiting
     * @param oldestAgeSeconds how long the oldest had waited then; null when none waited
     */
    public record Sample(Instant at, long depth, Long oldestAgeSeconds) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();

    /** A reading of the queue: kept as a sample when the last one is at least {@link #INTERVAL} older. */
    public synchronized void offer(Instant at, long depth, Instant oldestEnqueuedAt) {
        Sample last = samples.peekLast();
        if (last != null && last.at().plus(INTERVAL).isAfter(at)) {
            return;
        }
        Long age = depth == 0 || oldestEnqueuedAt == null ? null : Math.max(0, Duration.between(oldestEnqueuedAt, at).toSeconds());
        samples.addLast(new Sample(at, depth, age));
        if (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
    }

    /** The samples of the last {@link #SPAN} up to {@code now}, oldest first. */
    public synchronized List<Sample> samples(Instant now) {
        Instant cutoff = now.minus(SPAN);
        while (!samples.isEmpty() && samples.peekFirst().at().isBefore(cutoff)) {
            samples.removeFirst();
        }
        return List.copyOf(samples);
    }
}
