package io.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.adapters.memory.InMemoryAgentInbox;
import io.controlplane.telemetry.TelemetrySetup;
import io.controlplane.adapters.memory.InMemoryDispatchBus;
import io.controlplane.adapters.memory.InMemoryRegionLeadership;
import io.controlplane.api.ApiRequest;
import io.controlplane.api.ApiResponse;
import io.controlplane.api.Json;
import io.controlplane.api.Roles;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.app.Dispatching;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.testing.LocalSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two control planes on one storage account and one (fake) bus: one leads the region and decides;
 * the other's agents still get their leases through its HTTP long poll, and it never reads the
 * ready set. When the leader goes, the other takes the region and decides itself.
 */
class OneDispatcherTwoInstancesTest {

    @TempDir
    Path work;

    private final InMemoryRegionLeadership.Election election = new InMemoryRegionLeadership.Election(List.of("westeurope"));
    private final InMemoryAgentInbox.PostOffice office = new InMemoryAgentInbox.PostOffice();
    private final InMemoryDispatchBus bus = new InMemoryDispatchBus();
    private ControlPlane leader;
    private ControlPlane follower;
    private DevIssuer issuer;

    @BeforeEach
    void start() {
        Path keyFile = work.resolve("key.json");
        Map<String, String> values = LocalSettings.onSharedAzurite("one" + UUID.randomUUID().toString().substring(0, 6), keyFile);
        leader = ControlPlane.builder(values).dispatching(new Dispatching(election.member("a"), bus, office.inbox("a")))
                .telemetry(TelemetrySetup.Installed.none()).build();
        follower = ControlPlane.builder(values).dispatching(new Dispatching(election.member("b"), bus, office.inbox("b")))
                .telemetry(TelemetrySetup.Installed.none()).build();
        issuer = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
        assertThat(election.holder("westeurope")).isEqualTo("a");
    }

    @AfterEach
    void stop() {
        follower.close();
        leader.close();
    }

    private String token(String tenant, String subject, String role) {
        return issuer.token(tenant, subject, List.of(role), Duration.ofMinutes(5));
    }

    private static ApiResponse call(ControlPlane on, String method, String path, Map<String, List<String>> query, String token,
                                    String body) {
        return on.api().handleAsync(new ApiRequest(method, path, query,
                Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8))).join();
    }

    private CompletableFuture<ApiResponse> poll(ControlPlane on, String agentId, int waitSeconds) {
        return on.api().handleAsync(new ApiRequest("POST", "/api/agents/" + agentId + "/lease",
                Map.of("waitSeconds", List.of(String.valueOf(waitSeconds))),
                Map.of("Authorization", "Bearer " + token("provider", "sp-" + agentId, Roles.AGENTS_RUN)), new byte[0]));
    }

    private void register(ControlPlane on, String agentId) {
        ApiResponse registered = call(on, "PUT", "/api/agents/" + agentId, Map.of(), token("provider", "sp-" + agentId, Roles.AGENTS_RUN),
                "{\"region\":\"westeurope\",\"pool\":\"shared\",\"capabilities\":[\"azure-devops\",\"git\"],\"slots\":1}");
        assertThat(registered.status()).as(new String(registered.body(), StandardCharsets.UTF_8)).isIn(200, 201);
    }

    private String submit(ControlPlane on) throws Exception {
        ApiResponse submitted = call(on, "POST", "/api/jobs", Map.of(), token("contoso", "user-1", Roles.JOBS_SUBMIT),
                io.controlplane.domain.JobSpecs.API_EXAMPLE);
        assertThat(submitted.status()).as(new String(submitted.body(), StandardCharsets.UTF_8)).isEqualTo(201);
        return Json.mapper().readTree(submitted.body()).get("id").asText();
    }

    private static JsonNode leased(CompletableFuture<ApiResponse> poll) throws Exception {
        ApiResponse answer = poll.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return Json.mapper().readTree(answer.body());
    }

    @Test
    void anAgentPollingTheFollowerGetsTheLeaseTheLeaderDecided() throws Exception {
        register(follower, "agent-f");
        CompletableFuture<ApiResponse> waiting = poll(follower, "agent-f", 15);
        Thread.sleep(200);
        assertThat(waiting).isNotDone();

        String jobId = submit(follower);

        JsonNode lease = leased(waiting);
        assertThat(lease.get("jobId").asText()).isEqualTo(jobId);
        assertThat(lease.get("epoch").asLong()).isEqualTo(1);
        // The follower asked and announced; the leader decided and posted the offer back to it.
        assertThat(bus.sent()).anyMatch(e -> e instanceof DispatchEvent.Asks a && a.agentId().equals("agent-f") && a.replyTo().equals("b"));
        assertThat(bus.sent()).anyMatch(e -> e instanceof DispatchEvent.Ready r && r.jobId().equals(jobId));
        assertThat(office.posted()).singleElement().satisfies(o -> {
            assertThat(o.jobId()).isEqualTo(jobId);
            assertThat(o.agentId()).isEqualTo("agent-f");
        });
        assertThat(follower.app().dispatcher().dispatches("westeurope")).isFalse();
        assertThat(follower.app().dispatcher().higherTierHeads("westeurope", 1)).as("the follower never read the ready set").isEmpty();
        assertThat(leader.app().dispatcher().higherTierHeads("westeurope", 1)).isPresent();

        // The agent works on through the follower: its lease is its own there too.
        ApiResponse done = call(follower, "POST", "/api/leases/" + lease.get("leaseId").asText() + "/complete", Map.of(),
                token("provider", "sp-agent-f", Roles.AGENTS_RUN), "{\"epoch\":1}");
        assertThat(done.status()).as(new String(done.body(), StandardCharsets.UTF_8)).isIn(200, 204);
    }

    @Test
    void aJobSubmittedToTheFollowerGoesToAnAgentWaitingOnTheLeader() throws Exception {
        register(leader, "agent-l");
        CompletableFuture<ApiResponse> waiting = poll(leader, "agent-l", 15);
        Thread.sleep(100);

        String jobId = submit(follower);

        assertThat(leased(waiting).get("jobId").asText()).isEqualTo(jobId);
        assertThat(office.posted()).as("the leader's own poll needs no post").isEmpty();
    }

    @Test
    void whenTheLeaderGoesTheFollowerTakesTheRegionAndItsWaitingPollsAreServed() throws Exception {
        register(follower, "agent-f");
        CompletableFuture<ApiResponse> waiting = poll(follower, "agent-f", 15);
        Thread.sleep(200);

        leader.close();
        assertThat(election.holder("westeurope")).isEqualTo("b");
        assertThat(follower.app().dispatcher().dispatches("westeurope")).isTrue();
        String jobId = submit(follower);

        assertThat(leased(waiting).get("jobId").asText()).isEqualTo(jobId);
        assertThat(office.posted()).isEmpty();
        leader = ControlPlane.builder(LocalSettings.onSharedAzurite("unused" + UUID.randomUUID().toString().substring(0, 4),
                work.resolve("key.json"))).dispatching(new Dispatching(election.member("c"), bus, office.inbox("c")))
                .telemetry(TelemetrySetup.Installed.none()).build(); // for stop()
    }
}
