package io.controlplane.standalone;

import com.fasterxml.jackson.databind.JsonNode;

/** What a job's stored history says about its leases: the evidence of "exactly once", not the agents' word. */
final class JobHistories {

    private JobHistories() {
    }

    /** A lease given while another was still held (Assigned again before Queued or an end). */
    static int doubleLeases(JsonNode items) {
        int doubles = 0;
        boolean leased = false;
        for (JsonNode entry : items) {
            String to = entry.get("to").asText();
            if (to.equals("Assigned")) {
                if (leased) {
                    doubles++;
                }
                leased = true;
            } else if (to.equals("Queued") || to.equals("Completed") || to.equals("Failed") || to.equals("Cancelled")) {
                leased = false;
            }
        }
        return doubles;
    }

    /** How often the job reached Completed. */
    static int completions(JsonNode items) {
        int completed = 0;
        for (JsonNode entry : items) {
            if (entry.get("to").asText().equals("Completed")) {
                completed++;
            }
        }
        return completed;
    }
}
