package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.api.Json;
import io.controlplane.domain.JobSpecs;
import io.controlplane.simulator.AgentConfig;
import io.controlplane.simulator.SimulatedAgent;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference agent simulating a throttled organisation against the standalone host over HTTP:
 * its job reports HTTP 429 with Retry-After 3; a second job against that organisation waits, its
 * view saying why and until when, and starts only after the back-off; both complete.
 */
class ThrottledOrganisationTest {

    @TempDir
    Path work;

    private final ObjectMapper json = Json.mapper();

    @Test
    void aJobAgainstAThrottledOrganisationWaitsForTheBackOffAndSaysSo() throws Exception {
        try (ControlPlaneCluster cluster = new ControlPlaneCluster(1, work.resolve("key.json"), "thr" + System.nanoTime(),
                Map.of("THROTTLE_INCREASE_SECONDS", "1", "DISPATCH_POLL_MS", "200"));
             SimulatedAgent agent = new SimulatedAgent(AgentConfig.builder("sim-1").capabilities(List.of("azure-devops")).slots(2)
                     .jobDuration(Duration.ofSeconds(2)).progressInterval(Duration.ofMillis(200))
                     .heartbeatInterval(Duration.ofMillis(500)).checkpointInterval(Duration.ofMinutes(10)).leaseWaitSeconds(2).build(),
                     cluster.uri(0), () -> cluster.token("provider", "sim-1", "Agents.Run"))) {
            URI base = cluster.uri(0);
            ApiCalls api = new ApiCalls(base);
            String client = cluster.token("contoso", "client", "Jobs.Submit", "Jobs.Read", "Jobs.Manage");
            String admin = cluster.token("provider", "operator", "ControlPlane.Admin");
            Thread running = new Thread(agent, "sim-1");
            running.setDaemon(true);
            running.start();

            ObjectNode throttling = JobSpecs.validSpecJson();
            ((ObjectNode) throttling.path("config")).putObject("simulation").put("durationMs", 2000)
                    .put("throttleOrganisation", "dev.azure.com:contoso").put("throttleAfterMs", 300).put("throttleRetryAfterSeconds", 3);
            String first = api.id(api.send("POST", "/api/jobs", client, throttling.toString()));

            JsonNode throttled = null;
            for (int i = 0; i < 100 && throttled == null; i++) {
                JsonNode listed = json.readTree(api.send("GET", "/api/admin/queues", admin, null).body()).path("throttledOrganisations");
                throttled = listed.isEmpty() ? null : listed.get(0);
                Thread.sleep(50);
            }
            assertThat(throttled).as("the agent reported its 429").isNotNull();
            assertThat(throttled.get("organisation").asText()).isEqualTo("dev.azure.com:contoso");
            Instant until = Instant.parse(throttled.get("until").asText());

            String second = api.id(api.send("POST", "/api/jobs", client, JobSpecs.validSpecJson().toString()));
            JsonNode waiting = json.readTree(api.send("GET", "/api/jobs/" + second, client, null).body());
            assertThat(waiting.get("state").asText()).as("a free slot, yet it waits").isEqualTo("Queued");
            assertThat(waiting.at("/waitingFor/reason").asText()).isEqualTo("organisation-throttled");
            assertThat(Instant.parse(waiting.at("/waitingFor/until").asText())).isEqualTo(until);

            Instant started = null;
            for (int i = 0; i < 300 && !done(api, client, first, second); i++) {
                Thread.sleep(100);
            }
            assertThat(api.state(client, first)).isEqualTo("Completed");
            assertThat(api.state(client, second)).isEqualTo("Completed");
            for (JsonNode entry : json.readTree(api.send("GET", "/api/jobs/" + second + "/history", client, null).body()).path("items")) {
                if ("Assigned".equals(entry.path("to").asText()) && started == null) {
                    started = Instant.parse(entry.path("at").asText());
                }
            }
            assertThat(started).as("the second job started after the back-off ended, by its history").isNotNull().isAfterOrEqualTo(until);
        }
    }

    private static boolean done(ApiCalls api, String client, String... jobs) throws Exception {
        for (String job : jobs) {
            if (!"Completed".equals(api.state(client, job))) {
                return false;
            }
        }
        return true;
    }

}
