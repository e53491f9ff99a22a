package io.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Values that Azure's published resource types constrain but that neither the tree-sitter grammar
 * nor Bicep's type checker enforces (the limits are only written in the API's descriptions, so a
 * template breaking them parses and builds, and fails at deployment). Each limit names its source.
 * Read from the resource bodies check-bicep.mjs --describe finds in the parsed templates.
 */
class BicepPublishedConstraintsTest {

    /**
     * ContainerAppProbe, Microsoft.App 2025-01-01 (azure-rest-api-specs,
     * specification/app/resource-manager/Microsoft.App/stable/2025-01-01/CommonDefinitions.json):
     * "Minimum value is 1. Maximum value is 10." and so on, per property.
     */
    private static final Map<String, int[]> PROBE_LIMITS = Map.of(
            "failureThreshold", new int[] {1, 10},
            "successThreshold", new int[] {1, 10},
            "initialDelaySeconds", new int[] {1, 60},
            "periodSeconds", new int[] {1, 240},
            "timeoutSeconds", new int[] {1, 240});

    private static JsonNode files;

    @BeforeAll
    static void describeTemplates() throws Exception {
        files = BicepChecker.describe().path("files");
    }

    /** Every container of every Container App in the templates, as "file resource container" -> its body. */
    private static Map<String, JsonNode> containers() {
        Map<String, JsonNode> found = new java.util.TreeMap<>();
        files.fields().forEachRemaining(file -> file.getValue().path("resources").forEach(resource -> {
            if (resource.path("type").asText().startsWith("Microsoft.App/containerApps@")) {
                resource.path("body").path("properties").path("template").path("containers").forEach(container ->
                        found.put(file.getKey() + " " + resource.path("name").asText() + " " + container.path("name").asText(),
                                container));
            }
        }));
        return found;
    }

    @Test
    void everyContainerAppProbeIsWithinThePublishedLimits() {
        Map<String, JsonNode> containers = containers();
        assertThat(containers).as("Container Apps containers in the templates").isNotEmpty();
        List<String> problems = new ArrayList<>();
        int probes = 0;
        for (Map.Entry<String, JsonNode> container : containers.entrySet()) {
            for (JsonNode probe : container.getValue().path("probes")) {
                probes++;
                String where = container.getKey() + " " + probe.path("type").asText() + " probe";
                for (Map.Entry<String, int[]> limit : PROBE_LIMITS.entrySet()) {
                    JsonNode value = probe.path(limit.getKey());
                    if (value.isMissingNode()) {
                        continue;
                    }
                    if (!value.isInt()) {
                        problems.add(where + ": " + limit.getKey() + " is not a literal whole number, so it cannot be checked: " + value);
                    } else if (value.asInt() < limit.getValue()[0] || value.asInt() > limit.getValue()[1]) {
                        problems.add(where + ": " + limit.getKey() + " " + value.asInt() + " is outside "
                                + limit.getValue()[0] + ".." + limit.getValue()[1]);
                    }
                }
                // "Must be 1 for liveness and startup."
                if (!"Readiness".equals(probe.path("type").asText()) && probe.has("successThreshold")
                        && probe.path("successThreshold").asInt() != 1) {
                    problems.add(where + ": successThreshold must be 1 for liveness and startup probes");
                }
            }
        }
        assertThat(probes).as("probes found").isPositive();
        assertThat(problems).isEmpty();
    }

    @Test
    void theHostsStartupProbeStillAllowsASlowColdStart() {
        JsonNode startup = null;
        for (Map.Entry<String, JsonNode> container : containers().entrySet()) {
            if (container.getKey().contains(" hostApp ")) {
                for (JsonNode probe : container.getValue().path("probes")) {
                    if ("Startup".equals(probe.path("type").asText())) {
                        startup = probe;
                    }
                }
            }
        }
        assertThat(startup).as("the standalone host's startup probe").isNotNull();
        // Keeping failureThreshold within 10 must not shrink the time a cold JVM on one core gets
        // before Container Apps restarts it (a restart loop would never let it come up).
        int periodSeconds = startup.path("periodSeconds").asInt(10);
        int seconds = startup.path("initialDelaySeconds").asInt(0) + periodSeconds * startup.path("failureThreshold").asInt(3);
        assertThat(seconds).as("seconds before the startup probe gives up").isGreaterThanOrEqualTo(120);
    }
}
