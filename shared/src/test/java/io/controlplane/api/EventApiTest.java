package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The job event routes over the in-memory api: a job's whole life as its tenant's watchers see it
 * (long poll and event stream), nothing of another tenant's, resuming after an id, and every
 * problem of a bad request listed at once.
 */
class EventApiTest {

    private static final Map<String, String> JSON = Map.of("Accept", "application/json");
    private final ApiFixture api = new ApiFixture();
    private final String agent = api.agentToken("agent-1");
    private final String client = api.clientToken("contoso");
    private final String other = api.clientToken("fabrikam");
    private final String admin = api.adminToken();

    @AfterEach
    void close() {
        api.app.close();
    }

    private JsonNode poll(String path, String token) {
        ApiResponse answer = api.call("GET", path, token, null, JSON);
        assertThat(answer.status()).as(answer.bodyText()).isEqualTo(200);
        return api.body(answer);
    }

    private static List<String> summary(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.get("type").asText() + ":" + switch (e.get("type").asText()) {
            case "state", "preemption" -> e.get("state").asText();
            case "progress" -> e.get("percent").asText();
            case "checkpoint" -> e.at("/checkpoint/name").asText();
            default -> e.path("reason").asText();
        }));
        return out;
    }

    /** Submits a job, and lets agent-1 run it through progress, a checkpoint and completion. */
    private String runAJob() {
        api.call("PUT", "/api/agents/agent-1", agent, "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"],\"slots\":1}");
        String jobId = api.body(api.call("POST", "/api/jobs", client, ApiFixture.SPEC)).get("id").asText();
        String leaseId = api.body(api.call("POST", "/api/agents/agent-1/lease?waitSeconds=0", agent, null)).get("leaseId").asText();
        assertThat(api.call("POST", "/api/leases/" + leaseId + "/progress", agent, "{\"percent\":40}").status()).isEqualTo(200);
        assertThat(api.call("PUT", "/api/leases/" + leaseId + "/checkpoints/stage", agent,
                "{\"kind\":\"cursor\",\"data\":{\"at\":1}}").status()).isEqualTo(200);
        assertThat(api.call("POST", "/api/leases/" + leaseId + "/complete", agent, null).status()).isEqualTo(200);
        return jobId;
    }

    @Test
    void aTenantsWatcherSeesItsJobsWholeLifeInOrderAndAnotherTenantSeesNothing() {
        String start = poll("/api/events?waitSeconds=0", client).get("lastEventId").asText();
        String otherStart = poll("/api/events?waitSeconds=0", other).get("lastEventId").asText();
        String jobId = runAJob();

        JsonNode seen = poll("/api/events?waitSeconds=0&lastEventId=" + start, client);
        assertThat(summary(seen.get("events"))).containsExactly("state:Queued", "state:Assigned", "state:Running", "progress:40.0",
                "checkpoint:stage", "state:Completed");
        seen.get("events").forEach(e -> {
            assertThat(e.get("jobId").asText()).isEqualTo(jobId);
            assertThat(e.get("tenantId").asText()).isEqualTo("contoso");
        });
        assertThat(seen.get("events").get(5).get("from").asText()).isEqualTo("Running");
        assertThat(seen.get("lastEventId").asText()).isEqualTo(seen.get("events").get(5).get("id").asText());

        assertThat(poll("/api/events?waitSeconds=0&lastEventId=" + otherStart, other).get("events")).isEmpty();
        assertThat(summary(poll("/api/jobs/" + jobId + "/events?waitSeconds=0&lastEventId=" + start, client).get("events")))
                .hasSize(6).last().isEqualTo("state:Completed");
        JsonNode every = poll("/api/events?allTenants=true&waitSeconds=0&lastEventId=" + start, admin);
        assertThat(every.get("events")).hasSize(6);
    }

    @Test
    void aLongPollWaitsForTheNextEventWithoutHoldingAThread() throws Exception {
        String start = poll("/api/events?waitSeconds=0", client).get("lastEventId").asText();
        CompletableFuture<ApiResponse> waiting = api.api.handleAsync(new ApiRequest("GET", "/api/events",
                ApiRequest.parseQuery("waitSeconds=10&lastEventId=" + start),
                Map.of("Authorization", "Bearer " + client, "Accept", "application/json"), null));
        assertThat(waiting).isNotDone();
        api.call("POST", "/api/jobs", client, ApiFixture.SPEC);
        ApiResponse answer = waiting.get(5, TimeUnit.SECONDS);
        assertThat(summary(api.body(answer).get("events"))).containsExactly("state:Queued");
    }

    @Test
    void anEventStreamWritesEachEventWithItsIdTypeAndData() throws Exception {
        ApiResponse answer = api.call("GET", "/api/events", client, null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).containsEntry("Content-Type", "text/event-stream");
        assertThat(answer.stream()).isNotNull();

        StringBuilder written = new StringBuilder();
        CountDownLatch completed = new CountDownLatch(1);
        answer.stream().open(new ApiResponse.Transport() {
            @Override
            public void write(byte[] chunk, Consumer<Throwable> done) {
                synchronized (written) {
                    written.append(new String(chunk, StandardCharsets.UTF_8));
                    if (written.toString().contains("Completed")) {
                        completed.countDown();
                    }
                }
                done.accept(null);
            }

            @Override
            public void end() {
            }
        });
        for (int i = 0; i < 100 && api.app.events().watchers() == 0; i++) {
            Thread.sleep(10);
        }
        runAJob();
        assertThat(completed.await(5, TimeUnit.SECONDS)).as(written.toString()).isTrue();
        String text;
        synchronized (written) {
            text = written.toString();
        }
        assertThat(text).startsWith("retry: 2000\n\n");
        assertThat(text).contains("event: state\ndata: {\"id\":\"");
        assertThat(text).contains("event: checkpoint\n");
        assertThat(text.split("\n\nid: ")).hasSize(7); // the retry line, then six events
    }

    @Test
    void aHostThatCannotStreamCollectsTheFirstEventsAsOneBody() {
        String start = poll("/api/events?waitSeconds=0", client).get("lastEventId").asText();
        runAJob();
        ApiResponse answer = api.call("GET", "/api/events?waitSeconds=0", client, null, Map.of("Last-Event-ID", start));
        String body = new String(answer.stream().collect().join(), StandardCharsets.UTF_8);
        assertThat(body).startsWith("retry: 2000\n\n").contains("event: progress\n").endsWith("\n\n");
        assertThat(body.split("\nevent: ")).hasSize(7);
    }

    @Test
    void anIdFromAnotherInstanceGivesAReset() {
        JsonNode answer = poll("/api/events?waitSeconds=0&lastEventId=elsewhere-000000000007", client);
        assertThat(summary(answer.get("events"))).containsExactly("reset:unknown-event-id");
    }

    @Test
    void aBadRequestListsEveryProblemAndAnotherTenantsJobIsNotFound() {
        ApiResponse bad = api.call("GET", "/api/events?waitSeconds=99&allTenants=maybe", client, null,
                Map.of("Last-Event-ID", "not an id!"));
        assertThat(bad.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        api.body(bad).get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("waitSeconds", "allTenants", "Last-Event-ID");

        String jobId = api.body(api.call("POST", "/api/jobs", client, ApiFixture.SPEC)).get("id").asText();
        assertThat(api.call("GET", "/api/jobs/" + jobId + "/events", other, null).status()).isEqualTo(404);
        assertThat(api.call("GET", "/api/events?allTenants=true", client, null).status()).isEqualTo(403);
        assertThat(api.call("GET", "/api/events", admin, null).status()).as("an operator asks for every tenant's").isEqualTo(403);
    }
}
