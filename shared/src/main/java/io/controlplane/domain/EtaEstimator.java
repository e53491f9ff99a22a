package io.controlplane.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Estimates when a running job finishes from its {@link ProgressHistory}. Only working time
 * counts: each run segment (the samples of one lease epoch) contributes the time between its first
 * and last sample and the progress made in it, so time paused, preempted, queued or without a
 * lease never slows the estimate.
 *
 * <p>Nothing until there is evidence: at least {@value #MIN_PROGRESS} percent made in at least
 * {@value #MIN_SAMPLES} samples over {@link #MIN_WORKING} of working time, and nothing for a job at
 * 100 %. Then, with the whole-run rate and the recent rate (over the last quarter of working time,
 * at least {@link #RECENT_MIN} when there is that much):
 * <ul>
 *   <li>{@code at} = the last report + what remains at a blend of 3/4 recent and 1/4 whole-run rate
 *       (an accelerating or slowing job is judged mostly by what it does now);</li>
 *   <li>{@code low} and {@code high} = what remains at the faster and the slower of the two rates,
 *       widened by up to half while little of the job is behind the evidence (the share of the
 *       job still to do, of what was seen plus what remains): the range narrows as progress grows;</li>
 *   <li>{@code stalled}: no progress in the recent window, or none for {@link #STALL_AFTER} up to
 *       now in the latest segment; then no {@code at} or {@code high}, only {@code low}.</li>
 * </ul>
 * Times are never before {@code now}.
 */
public final class EtaEstimator {

    /** Progress (percent points made while working) needed before an estimate. */
    public static final double MIN_PROGRESS = 2.0;
    /** Samples needed before an estimate. */
    public static final int MIN_SAMPLES = 3;
    /** Working time needed before an estimate. */
    public static final Duration MIN_WORKING = Duration.ofSeconds(60);
    /** The shortest recent window (when the job has worked that long). */
    public static final Duration RECENT_MIN = Duration.ofMinutes(2);
    /** No new progress for this long up to now: stalled. */
    public static final Duration STALL_AFTER = Duration.ofMinutes(5);

    private static final double RECENT_WEIGHT = 0.75;
    private static final double MAX_WIDENING = 0.5;

    /** A point on the working timeline: seconds worked and percent made, gaps between segments removed. */
    private record Point(double worked, double made) {
    }

    /**
     * @param history the job's samples
     * @param percent the job's current percent
     * @param now the time of the estimate
     */
    public Optional<Eta> estimate(ProgressHistory history, double percent, Instant now) {
        List<ProgressSample> samples = history.samples();
        if (percent >= 100 || samples.size() < MIN_SAMPLES) {
            return Optional.empty();
        }
        List<Point> line = workingLine(samples);
        Point end = line.get(line.size() - 1);
        if (end.made() < MIN_PROGRESS || end.worked() < MIN_WORKING.toSeconds()) {
            return Optional.empty();
        }
        double remaining = 100 - percent;
        double overall = end.made() / end.worked();
        double window = Math.max(end.worked() / 4, Math.min(end.worked(), RECENT_MIN.toSeconds()));
        double recent = (end.made() - madeAt(line, end.worked() - window)) / window;
        ProgressSample last = samples.get(samples.size() - 1);
        if (recent <= 0 || stalledSince(samples).plus(STALL_AFTER).compareTo(now) <= 0) {
            return Optional.of(new Eta(null, notBefore(now, now, remaining / overall), null, Eta.STALLED));
        }
        double fast = Math.max(recent, overall);
        double slow = Math.min(recent, overall);
        double widening = MAX_WIDENING * remaining / (end.made() + remaining);
        Instant at = notBefore(last.at(), now, remaining / (RECENT_WEIGHT * recent + (1 - RECENT_WEIGHT) * overall));
        Instant low = notBefore(last.at(), now, remaining / fast * (1 - widening));
        Instant high = notBefore(last.at(), now, remaining / slow * (1 + widening));
        return Optional.of(new Eta(at, low, high, Eta.PROGRESS_RATE));
    }

    /** The samples on one timeline of working time: each segment starts where the one before ended. */
    private static List<Point> workingLine(List<ProgressSample> samples) {
        List<Point> line = new ArrayList<>();
        double worked = 0;
        double made = 0;
        ProgressSample previous = null;
        for (ProgressSample s : samples) {
            if (previous != null && previous.epoch() == s.epoch()) {
                worked += Duration.between(previous.at(), s.at()).toMillis() / 1000.0;
                made += s.percent() - previous.percent();
            }
            line.add(new Point(worked, made));
            previous = s;
        }
        return line;
    }

    /** The progress made by {@code worked} seconds of working time, interpolated. */
    private static double madeAt(List<Point> line, double worked) {
        Point before = line.get(0);
        for (Point p : line) {
            if (p.worked() >= worked) {
                if (p.worked() == before.worked()) {
                    return p.made();
                }
                double share = (worked - before.worked()) / (p.worked() - before.worked());
                return before.made() + share * (p.made() - before.made());
            }
            before = p;
        }
        return before.made();
    }

    /** When the latest segment last made progress: the first of its samples at its latest percent. */
    private static Instant stalledSince(List<ProgressSample> samples) {
        int i = samples.size() - 1;
        ProgressSample last = samples.get(i);
        while (i > 0 && samples.get(i - 1).epoch() == last.epoch() && samples.get(i - 1).percent() >= last.percent()) {
            i--;
        }
        return samples.get(i).at();
    }

    /** {@code from} plus {@code seconds}, but never before {@code now}. */
    private static Instant notBefore(Instant from, Instant now, double seconds) {
        Instant t = from.plusMillis(Math.round(Math.min(seconds, 1e12) * 1000));
        return t.isBefore(now) ? now : t;
    }
}
