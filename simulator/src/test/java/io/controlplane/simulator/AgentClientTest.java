package io.controlplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.simulator.FakeControlPlane.Answer;
import io.controlplane.simulator.FakeControlPlane.Recorded;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class AgentClientTest {

    private FakeControlPlane server;
    private AgentClient client;

    @BeforeEach
    void start() throws Exception {
        server = new FakeControlPlane();
        client = new AgentClient(server.uri(), () -> "token-1");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void register_puts_region_pool_capabilities_and_slots_with_the_bearer_token() {
        client.register("agent-1", new Registration("westeurope", "shared", List.of("azure-devops", "git"), 2));

        Recorded put = server.only("PUT", "/api/agents/agent-1");
        assertThat(put.header("Authorization")).isEqualTo("Bearer token-1");
        assertThat(put.header("Content-Type")).startsWith("application/json");
        assertThat(put.json()).isEqualTo(json("""
                {"region":"westeurope","pool":"shared","capabilities":["azure-devops","git"],"slots":2}"""));
    }

    @Test
    void the_token_is_asked_for_at_each_call_so_a_refreshed_one_is_used() {
        AtomicInteger n = new AtomicInteger();
        AgentClient refreshing = new AgentClient(server.uri(), () -> "token-" + n.incrementAndGet());

        refreshing.complete("L1", 1);
        refreshing.complete("L1", 1);

        assertThat(server.requests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-2");
    }

    @Test
    void heartbeat_sends_the_held_leases_and_returns_the_commands_in_order() {
        server.on("POST", "/api/agents/agent-1/heartbeat", request -> Answer.json("""
                {"commands":[
                  {"type":"continue","leaseId":"L1"},
                  {"type":"preempt","leaseId":"L2","deadline":"2030-01-01T00:01:00Z"},
                  {"type":"pause","leaseId":"L3"},
                  {"type":"cancel","leaseId":"L4"},
                  {"type":"self-destruct","leaseId":"L5"}]}"""));

        List<Command> commands = client.heartbeat("agent-1", List.of(new HeldLease("L1", 3), new HeldLease("L2", 1)));

        assertThat(server.only("POST", "/api/agents/agent-1/heartbeat").json()).isEqualTo(json("""
                {"leases":[{"leaseId":"L1","epoch":3},{"leaseId":"L2","epoch":1}]}"""));
        assertThat(commands).extracting(Command::type).containsExactly(Command.Type.CONTINUE, Command.Type.PREEMPT,
                Command.Type.PAUSE, Command.Type.CANCEL, Command.Type.UNKNOWN);
        assertThat(commands.get(1).leaseId()).isEqualTo("L2");
        assertThat(commands.get(1).deadline()).isEqualTo(Instant.parse("2030-01-01T00:01:00Z"));
        assertThat(commands.get(4).wireType()).isEqualTo("self-destruct");
    }

    @Test
    void heartbeat_reads_the_back_off_of_a_continue() {
        server.on("POST", "/api/agents/agent-1/heartbeat", request -> Answer.json("""
                {"commands":[
                  {"type":"continue","leaseId":"L1","deadline":"2030-01-01T00:01:00Z",
                   "backOff":{"organisation":"dev.azure.com:contoso","until":"2030-01-01T00:00:42Z","retryAfterSeconds":42}},
                  {"type":"continue","leaseId":"L2","deadline":"2030-01-01T00:01:00Z"},
                  {"type":"continue","leaseId":"L3","backOff":{"organisation":"dev.azure.com:contoso"}}]}"""));

        List<Command> commands = client.heartbeat("agent-1", List.of(new HeldLease("L1", 1), new HeldLease("L2", 1)));

        assertThat(commands.get(0).type()).isEqualTo(Command.Type.CONTINUE);
        assertThat(commands.get(0).backOff()).isEqualTo(new Command.BackOff("dev.azure.com:contoso",
                Instant.parse("2030-01-01T00:00:42Z"), 42));
        assertThat(commands.get(1).backOff()).isNull();
        assertThat(commands.get(2).backOff()).as("no until, nothing to act on").isNull();
    }

    @Test
    void throttle_posts_organisation_retry_after_and_remaining_and_reads_the_outcome() {
        server.on("POST", "/api/leases/L1/throttle", request -> Answer.json("""
                {"organisation":"dev.azure.com:contoso","until":"2026-12-02T10:01:00Z","allowedJobs":0,"remaining":0}"""));

        ThrottleOutcome outcome = client.throttle("L1", "dev.azure.com:contoso", 60, 0);

        Recorded post = server.only("POST", "/api/leases/L1/throttle");
        assertThat(post.header("Authorization")).isEqualTo("Bearer token-1");
        assertThat(post.json()).isEqualTo(json("""
                {"organisation":"dev.azure.com:contoso","retryAfterSeconds":60,"remaining":0}"""));
        assertThat(outcome).isEqualTo(new ThrottleOutcome("dev.azure.com:contoso",
                Instant.parse("2026-12-02T10:01:00Z"), 0, 0));
    }

    @Test
    void throttle_leaves_out_an_unknown_remaining_and_reads_null_allowed_jobs() {
        server.on("POST", "/api/leases/L1/throttle", request -> Answer.json("""
                {"organisation":"github.com:fabrikam","until":"2026-12-02T10:00:00Z","allowedJobs":null,"remaining":null}"""));

        ThrottleOutcome outcome = client.throttle("L1", "github.com:fabrikam", 0, null);

        assertThat(server.only("POST", "/api/leases/L1/throttle").json()).isEqualTo(json("""
                {"organisation":"github.com:fabrikam","retryAfterSeconds":0}"""));
        assertThat(outcome.allowedJobs()).isNull();
        assertThat(outcome.remaining()).isNull();
        assertThat(outcome.until()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
    }

    @Test
    void throttle_refuses_bad_values_before_any_call_and_a_lost_lease_is_lease_lost() {
        assertThatThrownBy(() -> client.throttle("L1", "dev.azure.com:contoso", 86_401, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryAfterSeconds");
        assertThatThrownBy(() -> client.throttle("L1", "dev.azure.com:contoso", -1, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.throttle("L1", "dev.azure.com:contoso", 60, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("remaining");
        assertThat(server.requests()).isEmpty();

        server.on("POST", "/api/leases/L1/throttle", request -> Answer.leaseLost());
        assertThatThrownBy(() -> client.throttle("L1", "dev.azure.com:contoso", 60, null))
                .isInstanceOf(LeaseLostException.class);
        server.on("POST", "/api/leases/L1/throttle",
                request -> Answer.problem(400, "urn:controlplane:problem:validation", "Invalid"));
        assertThatThrownBy(() -> client.throttle("L1", "github.com:someone-else", 60, null))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void heartbeat_without_commands_is_an_empty_list() {
        server.on("POST", "/api/agents/agent-1/heartbeat", request -> Answer.json("{}"));

        assertThat(client.heartbeat("agent-1", List.of())).isEmpty();
        assertThat(server.only("POST", "/api/agents/agent-1/heartbeat").json()).isEqualTo(json("{\"leases\":[]}"));
    }

    @Test
    void lease_is_empty_on_204_and_sends_wait_seconds_without_a_body() {
        Optional<Lease> lease = client.lease("agent-1", 7);

        assertThat(lease).isEmpty();
        Recorded post = server.only("POST", "/api/agents/agent-1/lease");
        assertThat(post.query()).isEqualTo("waitSeconds=7");
        assertThat(post.body()).isEmpty();
        assertThat(post.header("Authorization")).isEqualTo("Bearer token-1");
    }

    @Test
    void lease_reads_every_field_of_the_api_md_lease() {
        server.on("POST", "/api/agents/agent-1/lease", request -> Answer.json(FakeControlPlane.leaseJson("L9", "J9", 4,
                "{\"simulation\":{\"durationMs\":1500}}", true, """
                [{"name":"simulation","kind":"cursor","data":{"percent":40},"epoch":3,"updatedAt":"2029-12-31T23:00:00Z"},
                 {"name":"main","kind":"git","data":{"repo":"Alpha","ref":"refs/heads/main","commit":"abc123"},"epoch":2}]
                """)));

        Lease lease = client.lease("agent-1", 0).orElseThrow();

        assertThat(lease.leaseId()).isEqualTo("L9");
        assertThat(lease.jobId()).isEqualTo("J9");
        assertThat(lease.epoch()).isEqualTo(4);
        assertThat(lease.expiresAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(lease.resumed()).isTrue();
        assertThat(lease.spec().path("tier").asText()).isEqualTo("Premium");
        assertThat(lease.config("simulation", "durationMs").asLong()).isEqualTo(1500);
        assertThat(lease.checkpoints()).hasSize(2);
        Checkpoint cursor = lease.checkpoint("simulation").orElseThrow();
        assertThat(cursor.kind()).isEqualTo(CheckpointKind.CURSOR);
        assertThat(cursor.data().path("percent").asInt()).isEqualTo(40);
        assertThat(cursor.epoch()).isEqualTo(3);
        assertThat(cursor.updatedAt()).isEqualTo(Instant.parse("2029-12-31T23:00:00Z"));
        Checkpoint git = lease.checkpoint("main").orElseThrow();
        assertThat(git.kind()).isEqualTo(CheckpointKind.GIT);
        assertThat(git.data().path("commit").asText()).isEqualTo("abc123");
        assertThat(git.updatedAt()).isNull();
    }

    @Test
    void wait_seconds_outside_0_to_30_is_refused_before_any_call() {
        assertThatThrownBy(() -> client.lease("agent-1", 31)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.lease("agent-1", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void the_long_poll_times_out_after_its_wait_not_before() throws Exception {
        HttpClient http = mock(HttpClient.class);
        @SuppressWarnings("unchecked")
        HttpResponse<String> noContent = mock(HttpResponse.class);
        when(noContent.statusCode()).thenReturn(204);
        when(noContent.body()).thenReturn("");
        when(http.<String>send(any(), any())).thenReturn(noContent);
        AgentClient mocked = new AgentClient(http, URI.create("http://cp.example"), () -> "t", Duration.ofSeconds(5));

        mocked.lease("agent-1", 25);
        mocked.complete("L1", 1);

        ArgumentCaptor<HttpRequest> sent = ArgumentCaptor.forClass(HttpRequest.class);
        verify(http, org.mockito.Mockito.times(2)).send(sent.capture(), any());
        assertThat(sent.getAllValues().get(0).timeout()).contains(Duration.ofSeconds(25).plus(AgentClient.LONG_POLL_SLACK));
        assertThat(sent.getAllValues().get(0).uri()).isEqualTo(URI.create("http://cp.example/api/agents/agent-1/lease?waitSeconds=25"));
        assertThat(sent.getAllValues().get(1).timeout()).contains(Duration.ofSeconds(5));
    }

    @Test
    void progress_sends_percent_counters_message_and_epoch() {
        client.progress("L1", 3, new ProgressReport(42, java.util.Map.of("workItems", 420L), "420 of 1000"));

        assertThat(server.only("POST", "/api/leases/L1/progress").json()).isEqualTo(json("""
                {"percent":42,"counters":{"workItems":420},"message":"420 of 1000","epoch":3}"""));
    }

    @Test
    void cursor_checkpoint_puts_kind_cursor_and_the_data() {
        client.cursorCheckpoint("L1", 3, "simulation", json("{\"percent\":55}"));

        assertThat(server.only("PUT", "/api/leases/L1/checkpoints/simulation").json()).isEqualTo(json("""
                {"kind":"cursor","data":{"percent":55},"epoch":3}"""));
    }

    @Test
    void git_checkpoint_puts_kind_git_with_repo_ref_and_commit() {
        client.gitCheckpoint("L1", 3, "Alpha-main", new GitCommit("Alpha", "refs/heads/main", "0f1e2d"));

        assertThat(server.only("PUT", "/api/leases/L1/checkpoints/Alpha-main").json()).isEqualTo(json("""
                {"kind":"git","data":{"repo":"Alpha","ref":"refs/heads/main","commit":"0f1e2d"},"epoch":3}"""));
    }

    @Test
    void mappings_posts_the_items_and_refuses_more_than_1000_without_a_call() {
        client.mappings("L1", 3, List.of(new IdMapping("WorkItem", "42", "1042"), new IdMapping("WorkItem", "43", "1043")));

        assertThat(server.only("POST", "/api/leases/L1/mappings").json()).isEqualTo(json("""
                {"items":[{"type":"WorkItem","sourceId":"42","targetId":"1042"},
                          {"type":"WorkItem","sourceId":"43","targetId":"1043"}],"epoch":3}"""));

        List<IdMapping> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(new IdMapping("WorkItem", "s" + i, "t" + i));
        }
        assertThatThrownBy(() -> client.mappings("L1", 3, tooMany)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000");
        client.mappings("L1", 3, tooMany.subList(0, 1000));
        assertThat(server.requests("POST", "/api/leases/L1/mappings")).hasSize(2);
    }

    @Test
    void find_mappings_queries_by_type_and_source_and_reads_the_page() {
        server.on("GET", "/api/leases/L1/mappings", request -> Answer.json("""
                {"items":[{"type":"WorkItem","sourceId":"42","targetId":"1042"}],"continuationToken":"next+1"}"""));

        MappingPage page = client.findMappings("L1", "WorkItem", "42", null);

        assertThat(server.only("GET", "/api/leases/L1/mappings").query()).isEqualTo("type=WorkItem&sourceId=42");
        assertThat(page.items()).containsExactly(new IdMapping("WorkItem", "42", "1042"));
        assertThat(page.continuationToken()).isEqualTo("next+1");
    }

    @Test
    void release_complete_and_fail_send_their_bodies() {
        client.release("L1", 3, ReleaseReason.PREEMPTED);
        client.release("L1", 3, ReleaseReason.PAUSED);
        client.release("L1", 3, ReleaseReason.SHUTDOWN);
        client.complete("L1", 3);
        client.fail("L1", 3, "source unreachable", true);

        assertThat(server.requests("POST", "/api/leases/L1/release")).extracting(Recorded::json).containsExactly(
                json("{\"reason\":\"preempted\",\"epoch\":3}"), json("{\"reason\":\"paused\",\"epoch\":3}"),
                json("{\"reason\":\"shutdown\",\"epoch\":3}"));
        assertThat(server.only("POST", "/api/leases/L1/complete").json()).isEqualTo(json("{\"epoch\":3}"));
        assertThat(server.only("POST", "/api/leases/L1/fail").json()).isEqualTo(json("""
                {"error":"source unreachable","retryable":true,"epoch":3}"""));
    }

    @Test
    void a_409_lease_lost_problem_is_a_lease_lost_exception() {
        server.on("POST", "/api/leases/L1/progress", request -> Answer.leaseLost());

        assertThatThrownBy(() -> client.progress("L1", 3, new ProgressReport(10, null, null)))
                .isInstanceOfSatisfying(LeaseLostException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.type()).isEqualTo("urn:controlplane:problem:lease-lost");
                    assertThat(e.shortType()).isEqualTo("lease-lost");
                    assertThat(e.detail()).contains("canned by the test double");
                    assertThat(e.body()).contains("\"status\":409");
                });
    }

    @Test
    void lease_lost_is_recognised_by_the_end_of_the_type_whatever_its_prefix() {
        server.on("POST", "/api/leases/L1/complete",
                request -> Answer.problem(409, "https://errors.example.com/problems/lease-lost", "Lost"));

        assertThatThrownBy(() -> client.complete("L1", 3)).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void another_409_is_a_plain_problem_not_a_lost_lease() {
        server.on("POST", "/api/leases/L1/complete",
                request -> Answer.problem(409, "urn:controlplane:problem:concurrency-conflict", "Conflict"));

        assertThatThrownBy(() -> client.complete("L1", 3))
                .isExactlyInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).shortType()).isEqualTo("concurrency-conflict"));
    }

    @Test
    void lease_lost_needs_status_409() {
        server.on("POST", "/api/leases/L1/complete",
                request -> Answer.problem(400, "urn:controlplane:problem:lease-lost", "Odd"));

        assertThatThrownBy(() -> client.complete("L1", 3)).isExactlyInstanceOf(ProblemException.class);
    }

    @Test
    void an_error_without_a_problem_body_keeps_status_and_body() {
        server.on("POST", "/api/leases/L1/complete",
                request -> new Answer(502, "text/html", "<html>Bad Gateway</html>", Duration.ZERO));

        assertThatThrownBy(() -> client.complete("L1", 3)).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.type()).isNull();
            assertThat(e.shortType()).isEmpty();
            assertThat(e.body()).isEqualTo("<html>Bad Gateway</html>");
        });
    }

    @Test
    void an_unreachable_control_plane_is_an_unchecked_io_exception() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        AgentClient nowhere = new AgentClient(URI.create("http://127.0.0.1:" + port), () -> "t");

        assertThatThrownBy(() -> nowhere.complete("L1", 1)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("/api/leases/L1/complete");
    }

    @Test
    void ids_are_sent_as_one_encoded_path_segment() {
        client.cursorCheckpoint("L/1?x", 1, "a b/c", json("{}"));

        Recorded put = server.requests().get(0);
        assertThat(put.path()).isEqualTo("/api/leases/L%2F1%3Fx/checkpoints/a%20b%2Fc");
        assertThat(put.query()).isNull();
    }

    @Test
    void a_base_uri_ending_in_api_or_a_slash_is_the_same_root() {
        assertThat(new AgentClient(URI.create("http://h:1/api/"), () -> "t").baseUri()).isEqualTo(URI.create("http://h:1/"));
        assertThat(new AgentClient(URI.create("http://h:1"), () -> "t").baseUri()).isEqualTo(URI.create("http://h:1/"));
    }

    @Test
    void no_token_means_no_call() throws Exception {
        HttpClient http = mock(HttpClient.class);
        AgentClient tokenless = new AgentClient(http, URI.create("http://h:1"), () -> " ", Duration.ofSeconds(1));

        assertThatThrownBy(() -> tokenless.complete("L1", 1)).isInstanceOf(IllegalStateException.class);
        verify(http, never()).send(any(), any());
    }

    private static JsonNode json(String text) {
        try {
            return Jackson.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
