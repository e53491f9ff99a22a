package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.api.Json;
import io.controlplane.domain.JobSpecs;
import io.controlplane.simulator.AgentConfig;
import io.controlplane.simulator.SimulatedAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job the reference agent runs for 100 s against the standalone host on Azurite: once it has
 * worked a minute, its view shows {@code progress.eta}, about when it will finish; the list too.
 */
class JobEtaOverHttpTest {

    private static final Duration JOB = Duration.ofSeconds(100);

    @TempDir
    Path work;

    private final ObjectMapper json = Json.mapper();

    @Test
    void aRunningSimulatedJobShowsWhenItShouldFinish() throws Exception {
        try (ControlPlaneCluster cluster = new ControlPlaneCluster(1, work.resolve("key.json"), "eta" + System.nanoTime(),
                Map.of("DISPATCH_POLL_MS", "200"));
             SimulatedAgent agent = new SimulatedAgent(AgentConfig.builder("sim-1").capabilities(List.of("azure-devops")).slots(1)
                     .jobDuration(JOB).progressInterval(Duration.ofSeconds(2))
                     .heartbeatInterval(Duration.ofSeconds(2)).checkpointInterval(Duration.ofMinutes(10)).leaseWaitSeconds(2).build(),
                     cluster.uri(0), () -> cluster.token("provider", "sim-1", "Agents.Run"))) {
            ApiCalls api = new ApiCalls(cluster.uri(0));
            String client = cluster.token("contoso", "client", "Jobs.Submit", "Jobs.Read", "Jobs.Manage");
            Thread running = new Thread(agent, "sim-1");
            running.setDaemon(true);
            running.start();
            ObjectNode spec = JobSpecs.validSpecJson();
            ((ObjectNode) spec.path("config")).putObject("simulation").put("durationMs", JOB.toMillis());
            String id = api.id(api.send("POST", "/api/jobs", client, spec.toString()));

            JsonNode view = null;
            Instant started = null;
            Instant deadline = Instant.now().plusSeconds(90);
            while (Instant.now().isBefore(deadline)) {
                view = json.readTree(api.send("GET", "/api/jobs/" + id, client, null).body());
                if (started == null && "Running".equals(view.path("state").asText())) {
                    started = Instant.now();
                }
                if (view.path("progress").has("eta")) {
                    break;
                }
                assertThat(view.path("state").asText()).isIn("Queued", "Assigned", "Running");
                Thread.sleep(1000);
            }
            assertThat(started).as("the agent started it").isNotNull();
            JsonNode eta = view.path("progress").path("eta");
            assertThat(eta.isObject()).as("an estimate within 90 s: " + view).isTrue();
            assertThat(Duration.between(started, Instant.now())).as("not before a minute of work")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(55));
            assertThat(eta.path("basis").asText()).isEqualTo("progress-rate");
            Instant at = Instant.parse(eta.path("at").asText());
            Instant expected = started.plus(JOB);
            assertThat(Duration.between(expected, at).abs()).as("expected about " + expected + ", said " + at)
                    .isLessThan(Duration.ofSeconds(15));
            assertThat(Instant.parse(eta.path("low").asText())).isBeforeOrEqualTo(at);
            assertThat(Instant.parse(eta.path("high").asText())).isAfterOrEqualTo(at);

            JsonNode listed = json.readTree(api.send("GET", "/api/jobs", client, null).body()).path("items").get(0);
            assertThat(listed.path("progress").path("eta").path("basis").asText()).isEqualTo("progress-rate");
        }
    }
}
