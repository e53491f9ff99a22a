package io.controlplane.bench;

import java.util.Map;
import java.util.TreeMap;

/** How often each kind of thing happened in a {@link ScaleModel} run, by name. Not thread-safe: the model's loop counts. */
final class EventCounts {

    private final Map<String, Long> counts = new TreeMap<>();

    void count(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    /** The counts by name, in name order; printed as {@code {name=count, ...}}. */
    @Override
    public String toString() {
        return counts.toString();
    }
}
