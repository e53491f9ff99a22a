package io.controlplane.domain;

import java.time.Instant;
import java.util.Map;

/** The latest progress an agent reported for a job. */
public record Progress(double percent, Map<String, Long> counters, String message, Instant updatedAt) {

    public Progress {
        counters = counters == null ? Map.of() : Map.copyOf(counters);
    }

    public static Progress none() {
        return new Progress(0, Map.of(), null, null);
    }
}
