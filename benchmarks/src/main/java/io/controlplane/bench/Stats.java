package io.controlplane.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latency samples in microseconds. */
final class Stats {

    private final List<Long> micros = Collections.synchronizedList(new ArrayList<>());

    void add(long nanos) {
        micros.add(nanos / 1000);
    }

    /** Forgets every sample (the next phase of a sweep). */
    void clear() {
        micros.clear();
    }

    int count() {
        return micros.size();
    }

    double percentileMillis(double p) {
        List<Long> sorted;
        synchronized (micros) {
            sorted = new ArrayList<>(micros);
        }
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1000.0;
    }

    String summary() {
        return String.format("p50 %.1f ms, p99 %.1f ms (n=%d)", percentileMillis(50), percentileMillis(99), count());
    }
}
