package io.controlplane.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for what another thread does: a condition polled until it holds, or a plain pause. */
public final class Eventually {

    private Eventually() {
    }

    /**
     * Asks {@code condition} every {@code every} until it holds; fails with {@code failure} once
     * {@code patience} has passed without it.
     */
    public static void await(Duration patience, Duration every, String failure, BooleanSupplier condition) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            sleep(every.toMillis());
        }
    }

    /** Sleeps {@code duration}; an interrupt fails the test (the flag set again). */
    public static void sleep(Duration duration) {
        sleep(duration.toMillis());
    }

    /** Sleeps {@code ms} milliseconds; an interrupt fails the test (the flag set again). */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
