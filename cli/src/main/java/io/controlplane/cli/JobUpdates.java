package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where {@code jobs watch} learns of changes: the jobs' current views ({@code JobView} documents of
 * {@code GET /api/jobs/{id}}). {@link EventJobUpdates} reads them when the job events say they changed;
 * {@link PollingJobUpdates} at an interval (a server without job events).
 */
interface JobUpdates extends AutoCloseable {

    /** Waits for the next views of some of the watched jobs and returns them (every watched job's first time). */
    List<JsonNode> next() throws InterruptedException;

    @Override
    void close();
}
