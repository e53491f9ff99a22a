package io.controlplane.app;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Wakes this instance's long-polling agents when work may have appeared in a region (a job was
 * submitted or requeued here, an intake message arrived, reconciliation saw waiting work). Agents
 * polling another instance notice within the poll interval; the signal only shortens the wait.
 */
public final class ReadySignal {

    private static final class Region {
        private long version;
    }

    private final ConcurrentMap<String, Region> regions = new ConcurrentHashMap<>();

    private Region region(String name) {
        return regions.computeIfAbsent(name, k -> new Region());
    }

    /** The current version of a region's signal, to pass to {@link #await}. */
    public long version(String region) {
        Region r = region(region);
        synchronized (r) {
            return r.version;
        }
    }

    public void signal(String region) {
        Region r = region(region);
        synchronized (r) {
            r.version++;
            r.notifyAll();
        }
    }

    /** Waits until the region is signalled after {@code seenVersion}, or the timeout passes. */
    public void await(String region, long seenVersion, Duration timeout) throws InterruptedException {
        Region r = region(region);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (r) {
            while (r.version == seenVersion) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(r, left);
            }
        }
    }
}
