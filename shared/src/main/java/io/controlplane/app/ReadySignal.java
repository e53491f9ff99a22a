package io.controlplane.app;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Tells this instance that work may have appeared in a region (a job was submitted or requeued
 * here, an intake message arrived, reconciliation saw waiting work), so its parked long polls
 * ({@link LongPolls}) try again at once. Each signal bumps the region's version: a poll that read
 * the version before its claim can tell whether it missed a signal while claiming.
 */
public final class ReadySignal {

    private final ConcurrentMap<String, java.util.concurrent.atomic.AtomicLong> versions = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    /** The current version of a region's signal; it changes with every {@link #signal}. */
    public long version(String region) {
        return versions.computeIfAbsent(region, k -> new java.util.concurrent.atomic.AtomicLong()).get();
    }

    public void signal(String region) {
        versions.computeIfAbsent(region, k -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        listeners.forEach(l -> l.accept(region));
    }

    /** Called with the region on every signal, after its version changed (on the signalling thread: be quick). */
    public void addListener(Consumer<String> listener) {
        listeners.add(listener);
    }
}
