package io.controlplane.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The time a job still needs, from the rate its percent grew at over the last {@link #WINDOW}
 * (client-side, for when the server gives no estimate). A percent that goes down (a job resumed
 * from an earlier checkpoint) starts the estimate afresh.
 */
final class EtaEstimator {

    static final Duration WINDOW = Duration.ofMinutes(2);

    private record Sample(Instant at, double percent) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();

    /** The job was at {@code percent} at {@code at} (the agent's report time where known). */
    void add(Instant at, double percent) {
        Sample newest = samples.peekLast();
        if (newest != null && (percent < newest.percent() || at.isBefore(newest.at()))) {
            samples.clear();
        } else if (newest != null && !at.isAfter(newest.at())) {
            return;
        }
        samples.addLast(new Sample(at, percent));
        while (samples.size() > 2 && samples.peekFirst().at().isBefore(at.minus(WINDOW))) {
            samples.removeFirst();
        }
    }

    /** Empty until the percent has grown between two samples. */
    Optional<Duration> remaining() {
        if (samples.size() < 2) {
            return Optional.empty();
        }
        Sample oldest = samples.peekFirst();
        Sample newest = samples.peekLast();
        double grown = newest.percent() - oldest.percent();
        long millis = Duration.between(oldest.at(), newest.at()).toMillis();
        if (grown <= 0 || millis <= 0) {
            return Optional.empty();
        }
        double perMilli = grown / millis;
        return Optional.of(Duration.ofMillis(Math.round(Math.max(0, 100 - newest.percent()) / perMilli)));
    }

    /** 42s, 3m05s, 1h02m. */
    static String format(Duration d) {
        long s = Math.max(0, (d.toMillis() + 999) / 1000);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
