package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.api.Json;
import io.controlplane.domain.JobSpecs;
import io.controlplane.simulator.AgentClient;
import io.controlplane.simulator.Command;
import io.controlplane.simulator.IdMapping;
import io.controlplane.simulator.Lease;
import io.controlplane.simulator.Registration;
import io.controlplane.simulator.ReleaseReason;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario over HTTP: one agent runs a Standard job that has checkpointed at 40% and
 * written 500 mappings; a Platinum job arrives; the Standard job is preempted, the Platinum job runs
 * on that agent, and the Standard job later resumes from 40% with all 500 mappings readable both ways.
 */
class PreemptionScenarioTest {

    @TempDir
    Path work;

    private final ObjectMapper json = Json.mapper();

    @Test
    void aStandardJobIsPreemptedForPlatinumAndResumesFromItsCheckpointWithItsMappings() throws Exception {
        try (ControlPlaneCluster cluster = new ControlPlaneCluster(1, work.resolve("key.json"), "pre" + System.nanoTime(),
                Map.of("PREEMPT_AFTER_SECONDS", "0", "RECONCILE_SECONDS", "1", "STOP_GRACE_SECONDS", "60"))) {
            URI base = cluster.uri(0);
            ApiCalls api = new ApiCalls(base);
            String client = cluster.token("contoso", "client", "Jobs.Submit", "Jobs.Read", "Jobs.Manage");
            AgentClient agent = new AgentClient(base, () -> cluster.token("provider", "agent-1", "Agents.Run"));
            agent.register("agent-1", new Registration("westeurope", "shared", List.of("azure-devops"), 1));

            ObjectNode standardSpec = JobSpecs.validSpecJson();
            standardSpec.put("tier", "Standard");
            String standardId = api.id(api.send("POST", "/api/jobs", client, standardSpec.toString()));
            Lease first = agent.lease("agent-1", 5).orElseThrow();
            assertThat(first.jobId()).isEqualTo(standardId);
            agent.progress(first.leaseId(), first.epoch(), new io.controlplane.simulator.ProgressReport(40, Map.of(), "40%"));
            agent.cursorCheckpoint(first.leaseId(), first.epoch(), "work-items", json.createObjectNode().put("percent", 40));
            List<IdMapping> mappings = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                mappings.add(new IdMapping("workitem", String.valueOf(1000 + i), String.valueOf(50_000 + i)));
            }
            agent.mappings(first.leaseId(), first.epoch(), mappings);

            ObjectNode platinumSpec = JobSpecs.validSpecJson();
            platinumSpec.put("tier", "Platinum");
            String platinumId = api.id(api.send("POST", "/api/jobs", client, platinumSpec.toString()));

            Command preempt = null;
            for (int i = 0; i < 100 && preempt == null; i++) {
                preempt = agent.heartbeat("agent-1", List.of(new io.controlplane.simulator.HeldLease(first.leaseId(), first.epoch())))
                        .stream()
                        .filter(c -> c.type() == Command.Type.PREEMPT).findFirst().orElse(null);
                Thread.sleep(100);
            }
            assertThat(preempt).as("the Standard job's agent is asked to preempt").isNotNull();
            assertThat(preempt.leaseId()).isEqualTo(first.leaseId());
            assertThat(api.state(client, standardId)).isEqualTo("Preempting");

            agent.cursorCheckpoint(first.leaseId(), first.epoch(), "work-items", json.createObjectNode().put("percent", 40));
            agent.release(first.leaseId(), first.epoch(), ReleaseReason.PREEMPTED);

            Lease platinum = agent.lease("agent-1", 5).orElseThrow();
            assertThat(platinum.jobId()).as("the Platinum job runs on that agent").isEqualTo(platinumId);
            agent.complete(platinum.leaseId(), platinum.epoch());

            Lease resumed = agent.lease("agent-1", 5).orElseThrow();
            assertThat(resumed.jobId()).isEqualTo(standardId);
            assertThat(resumed.resumed()).isTrue();
            assertThat(resumed.epoch()).isGreaterThan(first.epoch());
            assertThat(resumed.checkpoints()).singleElement().satisfies(c -> {
                assertThat(c.name()).isEqualTo("work-items");
                assertThat(c.data().get("percent").asInt()).isEqualTo(40);
            });
            JsonNode view = json.readTree(api.send("GET", "/api/jobs/" + standardId, client, null).body());
            assertThat(view.get("preemptions").asInt()).isEqualTo(1);
            assertThat(view.get("progress").get("percent").asDouble()).isEqualTo(40);

            for (IdMapping m : mappings) {
                assertThat(agent.findMappings(resumed.leaseId(), "workitem", m.sourceId(), null).items())
                        .containsExactly(m);
                JsonNode byTarget = json.readTree(api.send("GET", "/api/jobs/" + standardId + "/mappings?type=workitem&targetId="
                        + URLEncoder.encode(m.targetId(), StandardCharsets.UTF_8), client, null).body());
                assertThat(byTarget.get("items").get(0).get("sourceId").asText()).isEqualTo(m.sourceId());
            }
            agent.complete(resumed.leaseId(), resumed.epoch());
            assertThat(api.state(client, standardId)).isEqualTo("Completed");
        }
    }

}
