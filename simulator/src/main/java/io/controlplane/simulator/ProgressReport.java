package io.controlplane.simulator;

import java.util.Map;

/** A progress report: {@code { percent, counters, message }}. */
public record ProgressReport(int percent, Map<String, Long> counters, String message) {

    public ProgressReport {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be 0..100, was " + percent);
        }
        counters = counters == null ? Map.of() : Map.copyOf(counters);
    }
}
