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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two control-plane instances on one Azurite, 20 simulated agents split between them, 500 jobs
 * submitted to both: every job completes exactly once and no job is ever leased twice at a time
 * (checked from the stored history, not from the agents' word).
 */
class TwoInstancesTest {

    private static final int JOBS = 500;
    private static final int AGENTS = 20;

    @TempDir
    Path work;

    private final ObjectMapper json = Json.mapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void fiveHundredJobsTwentyAgentsTwoInstancesEveryJobExactlyOnce() throws Exception {
        try (ControlPlaneCluster cluster = new ControlPlaneCluster(2, work.resolve("key.json"), "two" + System.nanoTime(),
                Map.of("DISPATCH_POLL_MS", "250"))) {
            List<SimulatedAgent> agents = new ArrayList<>();
            for (int i = 0; i < AGENTS; i++) {
                String id = "agent-" + i;
                String token = cluster.token("provider", id, "Agents.Run");
                AgentConfig config = AgentConfig.builder(id).capabilities(List.of("azure-devops"))
                        .jobDuration(Duration.ofMillis(20)).progressInterval(Duration.ofMillis(10))
                        .heartbeatInterval(Duration.ofSeconds(5)).checkpointInterval(Duration.ofMinutes(10))
                        .leaseWaitSeconds(5).build();
                SimulatedAgent agent = new SimulatedAgent(config, cluster.uri(i % 2), () -> token);
                agent.start();
                agents.add(agent);
            }
            String client = cluster.token("contoso", "client", "Jobs.Submit", "Jobs.Read", "Jobs.Manage");
            Set<String> submitted = Collections.synchronizedSet(new HashSet<>());
            ExecutorService submitters = Executors.newFixedThreadPool(8);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int n = i;
                futures.add(submitters.submit(() -> {
                    ObjectNode spec = JobSpecs.validSpecJson();
                    spec.put("tier", new String[] {"Standard", "Premium", "Platinum"}[n % 3]);
                    HttpResponse<String> r = post(cluster.uri(n % 2), "/api/jobs", client, spec.toString());
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                    submitted.add(json.readTree(r.body()).get("id").asText());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            submitters.shutdown();
            assertThat(submitted).hasSize(JOBS);

            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            int completedCount = 0;
            while (System.nanoTime() < deadline) {
                completedCount = agents.stream().mapToInt(a -> a.log().completedJobs().size()).sum();
                if (completedCount >= JOBS) {
                    break;
                }
                Thread.sleep(500);
            }
            agents.forEach(SimulatedAgent::close);

            Map<String, Integer> completions = new HashMap<>();
            agents.forEach(a -> a.log().completedJobs().forEach(id -> completions.merge(id, 1, Integer::sum)));
            assertThat(completions.keySet()).as("every submitted job completed").isEqualTo(submitted);
            assertThat(completions.values()).as("each exactly once").allMatch(c -> c == 1);

            int doubleLeases = 0;
            for (String jobId : submitted) {
                JsonNode job = json.readTree(get(cluster.uri(0), "/api/jobs/" + jobId, client).body());
                assertThat(job.get("state").asText()).isEqualTo("Completed");
                JsonNode history = json.readTree(get(cluster.uri(1), "/api/jobs/" + jobId + "/history", client).body()).get("items");
                doubleLeases += JobHistories.doubleLeases(history);
                int completedEntries = JobHistories.completions(history);
                assertThat(completedEntries).as("job " + jobId + " completed once in its history").isEqualTo(1);
            }
            assertThat(doubleLeases).as("double leases found in history").isZero();
            System.out.printf("two-instances: jobs=%d agents=%d completed=%d doubleLeases=%d%n", JOBS, AGENTS,
                    completions.size(), doubleLeases);
        }
    }

    private HttpResponse<String> post(URI base, String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI base, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
