package io.controlplane.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link SimulatedJob}'s working time and back-off: the time since its lease arrived less the
 * time it backed off, and until when it makes no requests to its organisations (the longest
 * back-off it took or was told). The back-off may be lengthened from the heartbeat thread; the
 * working time is read by the job's own thread only.
 */
final class WorkingTime {

    /** When the lease arrived: the job's working time counts from here. */
    private final Instant started;
    /** The job makes no requests to its organisations before this. */
    private final AtomicReference<Instant> backOffUntil = new AtomicReference<>(Instant.MIN);
    /** Since when the job backs off (null: it works), and how long its finished back-offs took. */
    private Instant backingOffSince;
    private Duration backedOff = Duration.ZERO;

    WorkingTime(Instant started) {
        this.started = started;
    }

    /** Until when the job backs off ({@link Instant#MIN} when it never did). */
    Instant backOffUntil() {
        return backOffUntil.get();
    }

    /** Backs off until {@code until} unless already until later; true when it lengthened the back-off. */
    boolean backOffTo(Instant until) {
        return until.isAfter(backOffUntil.getAndAccumulate(until, (a, b) -> a.isAfter(b) ? a : b));
    }

    /** The back-off counts from {@code now}, not from the job's next look at its working time. */
    void backingOffFrom(Instant now) {
        backingOffSince = now;
    }

    /**
     * The job's working time at {@code now}: the time since the lease arrived less the time it backed
     * off. While it backs off ({@code now} before {@code until}) that is the time it had worked when
     * the back-off began.
     */
    Duration worked(Instant now, Instant until) {
        if (now.isBefore(until)) {
            if (backingOffSince == null) {
                backingOffSince = now;
            }
            return Duration.between(started, backingOffSince).minus(backedOff);
        }
        if (backingOffSince != null) {
            backedOff = backedOff.plus(Duration.between(backingOffSince, until));
            backingOffSince = null;
        }
        return Duration.between(started, now).minus(backedOff);
    }
}
