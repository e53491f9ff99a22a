package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Reads each unfinished watched job at an interval: the first call at once, each later one after {@code interval}. */
final class PollingJobUpdates implements JobUpdates {

    private final Function<String, JsonNode> read;
    private final Set<String> unfinished;
    private final Duration interval;
    private boolean first = true;

    /** @param read reads one job's view ({@code GET /api/jobs/{id}}) */
    PollingJobUpdates(Function<String, JsonNode> read, List<String> ids, Duration interval) {
        this.read = read;
        this.unfinished = new LinkedHashSet<>(ids);
        this.interval = interval;
    }

    @Override
    public List<JsonNode> next() throws InterruptedException {
        if (!first) {
            Thread.sleep(interval.toMillis());
        }
        first = false;
        List<JsonNode> views = new ArrayList<>();
        for (String id : List.copyOf(unfinished)) {
            JsonNode view = read.apply(id);
            views.add(view);
            if (JobWatch.finished(view.path("state").asText())) {
                unfinished.remove(id);
            }
        }
        return views;
    }

    @Override
    public void close() {
        // nothing held between polls
    }
}
