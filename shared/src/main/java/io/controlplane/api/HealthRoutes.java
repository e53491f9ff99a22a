package io.controlplane.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Unauthenticated liveness and readiness. */
final class HealthRoutes {

    private final Map<String, ReadinessCheck> checks;
    private final Responses responses;

    HealthRoutes(Map<String, ReadinessCheck> checks, Responses responses) {
        this.checks = Map.copyOf(checks);
        this.responses = responses;
    }

    List<Route> routes() {
        return List.of(
                Route.anonymous("GET", "/api/health", (request, caller, params) ->
                        responses.json(200, Map.of("status", "alive"))),
                Route.anonymous("GET", "/api/health/ready", (request, caller, params) -> ready()));
    }

    private ApiResponse ready() {
        Map<String, String> results = new LinkedHashMap<>();
        boolean ready = true;
        for (Map.Entry<String, ReadinessCheck> check : new TreeMap<>(checks).entrySet()) {
            try {
                check.getValue().check();
                results.put(check.getKey(), "ok");
            } catch (Exception e) {
                ready = false;
                results.put(check.getKey(), "unavailable");
            }
        }
        if (!ready) {
            throw new ApiException(ProblemType.NOT_READY, "Dependencies not answering: " + results + ".");
        }
        return responses.json(200, Map.of("status", "ready", "checks", results));
    }
}
