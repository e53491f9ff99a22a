package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** Prints a failure: the problem's title, detail and every field error; with verbose, the request id. */
final class Problems {

    private Problems() {
    }

    static void print(CliException e, boolean verbose, PrintWriter err) {
        JsonNode problem = e.problem();
        String status = e.status() == 0 ? "" : " (HTTP " + e.status() + ")";
        err.println("error: " + e.getMessage() + status);
        if (problem != null) {
            if (problem.hasNonNull("detail")) {
                err.println("  " + problem.get("detail").asText());
            }
            for (JsonNode error : problem.path("errors")) {
                String field = error.path("field").asText("");
                err.println("  - " + (field.isEmpty() ? "(body)" : field) + ": " + error.path("message").asText());
            }
            if (verbose && problem.hasNonNull("type")) {
                err.println("  type: " + problem.get("type").asText());
            }
        }
        if (e.requestId() != null && (verbose || e.exitCode() == ExitCodes.SERVER)) {
            err.println("  request id: " + e.requestId());
        }
        if (verbose && e.getCause() != null) {
            err.println("  cause: " + e.getCause());
        }
        err.flush();
    }
}
