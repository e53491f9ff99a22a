package io.controlplane.adapters.storagequeue;

import java.time.Duration;

/**
 * How long an idle poller waits before asking again: doubling from {@code min} to {@code max}, back
 * to {@code min} as soon as a message arrives. Storage bills and throttles per request, so an idle
 * host asks about once a second instead of hammering the account.
 */
final class IdleBackoff {

    private final Duration min;
    private final Duration max;
    private Duration next;

    IdleBackoff(Duration min, Duration max) {
        this.min = min;
        this.max = max;
        this.next = min;
    }

    /** The wait before the next idle poll; each call doubles the following one, up to max. */
    Duration next() {
        Duration current = next;
        Duration doubled = current.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current;
    }

    void reset() {
        next = min;
    }
}
