package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.api.Json;
import io.controlplane.domain.JobSpecs;
import io.controlplane.simulator.AgentConfig;
import io.controlplane.simulator.AgentLog;
import io.controlplane.simulator.SimulatedAgent;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that goes silent mid-job: after its lease expires the job is requeued and completed by
 * another agent; when the silent agent speaks again, its writes are refused (409 lease-lost) and
 * change nothing.
 */
class SilentAgentTest {

    @TempDir
    Path work;

    private final ObjectMapper json = Json.mapper();

    @Test
    void aSilentAgentsJobIsRequeuedCompletedByAnotherAndItsLateWritesChangeNothing() throws Exception {
        try (ControlPlaneCluster cluster = new ControlPlaneCluster(1, work.resolve("key.json"), "silent" + System.nanoTime(),
                Map.of("LEASE_SECONDS", "5", "HEARTBEAT_SECONDS", "1", "RECONCILE_SECONDS", "1",
                        "AGENT_OFFLINE_SECONDS", "3", "PROGRESS_MIN_INTERVAL_MS", "0"))) {
            URI base = cluster.uri(0);
            ApiCalls api = new ApiCalls(base);
            String client = cluster.token("contoso", "client", "Jobs.Submit", "Jobs.Read");
            HttpResponse<String> created = api.send("POST", "/api/jobs", client, JobSpecs.API_EXAMPLE);
            String jobId = json.readTree(created.body()).get("id").asText();

            SimulatedAgent slow = agent(cluster, "agent-slow", Duration.ofMinutes(5));
            slow.start();
            assertThat(slow.log().awaitUntil(log -> !log.leases().isEmpty(), Duration.ofSeconds(30))).isTrue();
            AgentLog.LeaseGrant first = slow.log().leases().get(0);
            assertThat(first.jobId()).isEqualTo(jobId);
            slow.goSilent();

            SimulatedAgent successor = agent(cluster, "agent-successor", Duration.ofMillis(200));
            successor.start();
            assertThat(successor.log().awaitUntil(log -> log.completedJobs().contains(jobId), Duration.ofSeconds(60)))
                    .as("the job is requeued after lease expiry and completed by the other agent").isTrue();
            AgentLog.LeaseGrant second = successor.log().leases().get(0);
            assertThat(second.epoch()).isGreaterThan(first.epoch());
            assertThat(second.resumed()).isTrue();

            JsonNode jobBefore = json.readTree(api.send("GET", "/api/jobs/" + jobId, client, null).body());
            JsonNode historyBefore = json.readTree(api.send("GET", "/api/jobs/" + jobId + "/history", client, null).body());
            assertThat(jobBefore.get("state").asText()).isEqualTo("Completed");

            slow.speakAgain();
            // Whatever the agent does first when it speaks again (a heartbeat now tells it the lease is
            // lost), a late write with its old lease is refused: try each kind of write explicitly.
            io.controlplane.simulator.AgentClient stale = new io.controlplane.simulator.AgentClient(base,
                    () -> cluster.token("provider", "agent-slow", "Agents.Run"));
            assertThatThrownBy(() -> stale.progress(first.leaseId(), first.epoch(),
                    new io.controlplane.simulator.ProgressReport(99, Map.of(), "late")))
                    .isInstanceOf(io.controlplane.simulator.LeaseLostException.class);
            assertThatThrownBy(() -> stale.cursorCheckpoint(first.leaseId(), first.epoch(), "late",
                    json.createObjectNode().put("percent", 99))).isInstanceOf(io.controlplane.simulator.LeaseLostException.class);
            assertThatThrownBy(() -> stale.complete(first.leaseId(), first.epoch()))
                    .isInstanceOf(io.controlplane.simulator.LeaseLostException.class);
            assertThat(slow.log().awaitUntil(log -> log.refusedWrites().stream().anyMatch(AgentLog.RefusedWrite::leaseLost)
                    || log.commands().stream().anyMatch(c -> first.leaseId().equals(c.leaseId())
                            && c.type() == io.controlplane.simulator.Command.Type.CANCEL),
                    Duration.ofSeconds(30))).as("the stale agent learns its lease is gone").isTrue();
            assertThat(slow.log().refusedWrites()).allSatisfy(w -> assertThat(w.status()).isEqualTo(409));

            assertThat(json.readTree(api.send("GET", "/api/jobs/" + jobId, client, null).body())).isEqualTo(jobBefore);
            assertThat(json.readTree(api.send("GET", "/api/jobs/" + jobId + "/history", client, null).body()))
                    .isEqualTo(historyBefore);
            List<String> transitions = historyBefore.get("items").findValuesAsText("to");
            // The silent agent may or may not have reported before going quiet (Running is optional there).
            assertThat(String.join(",", transitions)).matches("Queued,Assigned,(Running,)?Queued,Assigned,Running,Completed");
            slow.kill();
            successor.close();
        }
    }

    private SimulatedAgent agent(ControlPlaneCluster cluster, String id, Duration jobDuration) {
        String token = cluster.token("provider", id, "Agents.Run");
        AgentConfig config = AgentConfig.builder(id).capabilities(List.of("azure-devops")).jobDuration(jobDuration)
                .progressInterval(Duration.ofMillis(300)).heartbeatInterval(Duration.ofMillis(500))
                .checkpointInterval(Duration.ofMinutes(10)).leaseWaitSeconds(2).build();
        return new SimulatedAgent(config, cluster.uri(0), () -> token);
    }

}
