package io.controlplane.adapters.tables;

import com.fasterxml.jackson.core.type.TypeReference;
import io.controlplane.domain.ProgressHistory;
import io.controlplane.domain.ProgressSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's progress history as one string property of its row: a JSON array of
 * {@code [epochMillis, percent, leaseEpoch]} triples, oldest first. At most
 * {@value ProgressHistory#MAX_SAMPLES} samples of about 25 characters each: under a kilobyte, far
 * below the 64 KiB a string property holds. Times are kept to the millisecond.
 */
final class ProgressHistoryJson {

    static final String PROPERTY = "ProgressHistory";

    private final EntityJson json;

    ProgressHistoryJson(EntityJson json) {
        this.json = json;
    }

    /** The property's value, or null for an empty history (no property written). */
    String write(ProgressHistory history) {
        if (history.isEmpty()) {
            return null;
        }
        List<List<Number>> rows = new ArrayList<>();
        for (ProgressSample s : history.samples()) {
            rows.add(List.of(s.at().toEpochMilli(), s.percent(), s.epoch()));
        }
        return json.write(rows);
    }

    /** The history a property holds; empty when there is none (rows written before it existed). */
    ProgressHistory read(Object value) {
        if (value == null) {
            return ProgressHistory.empty();
        }
        List<List<Number>> rows = json.read((String) value, new TypeReference<List<List<Number>>>() { });
        List<ProgressSample> samples = new ArrayList<>();
        for (List<Number> row : rows) {
            samples.add(new ProgressSample(Instant.ofEpochMilli(row.get(0).longValue()), row.get(1).doubleValue(),
                    row.get(2).longValue()));
        }
        return new ProgressHistory(samples);
    }
}
