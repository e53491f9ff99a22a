package io.controlplane.domain;

import java.time.Instant;
import java.util.Map;

/**
 * The latest progress an agent reported for a job, with the compact history of its reports
 * ({@link ProgressHistory}: what its ETA is worked out from).
 */
public record Progress(double percent, Map<String, Long> counters, String message, Instant updatedAt, ProgressHistory history) {

    public Progress {
        counters = counters == null ? Map.of() : Map.copyOf(counters);
        history = history == null ? ProgressHistory.empty() : history;
    }

    /** A report without history. */
    public Progress(double percent, Map<String, Long> counters, String message, Instant updatedAt) {
        this(percent, counters, message, updatedAt, ProgressHistory.empty());
    }

    public static Progress none() {
        return new Progress(0, Map.of(), null, null);
    }

    /**
     * {@code report} as the job's new progress: this history with the report appended as a sample
     * of the lease of fencing epoch {@code epoch}. A report without a time adds no sample.
     */
    public Progress then(Progress report, long epoch) {
        ProgressHistory next = report.updatedAt() == null ? history
                : history.with(new ProgressSample(report.updatedAt(), report.percent(), epoch));
        return new Progress(report.percent(), report.counters(), report.message(), report.updatedAt(), next);
    }
}
