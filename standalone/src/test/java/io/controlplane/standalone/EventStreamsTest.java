package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.api.Json;
import io.controlplane.domain.JobSpecs;
import io.controlplane.simulator.AgentConfig;
import io.controlplane.simulator.SimulatedAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 500 watchers of the event stream on one standalone host (Jetty, real sockets, Azurite) while a
 * simulated agent runs jobs of two tenants: every watcher gets every event of its tenant, in the
 * same order as every other watcher of that tenant, and none of the other tenant's; a watcher
 * that drops its connection half-way and comes back with Last-Event-ID misses nothing.
 */
class EventStreamsTest {

    private static final int WATCHERS_PER_TENANT = 250;
    private static final int JOBS_PER_TENANT = 3;

    @TempDir
    Path work;

    private final ObjectMapper json = Json.mapper();

    /** One watcher: reads the stream line by line (no thread of its own) and keeps the events it was given. */
    private final class Watcher implements Flow.Subscriber<String> {
        final List<JsonNode> events = new ArrayList<>();
        /** Counted down when the stream's preamble arrived: from then on the host holds the watcher. */
        final CountDownLatch open = new CountDownLatch(1);
        private final int cancelAfter;
        private Flow.Subscription subscription;
        private String id;
        private String data;
        volatile boolean cancelled;

        Watcher(int cancelAfter) {
            this.cancelAfter = cancelAfter;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("retry: ")) {
                open.countDown();
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            } else if (line.isEmpty() && data != null) {
                try {
                    JsonNode event = json.readTree(data);
                    assertThat(event.get("id").asText()).isEqualTo(id);
                    synchronized (this) {
                        events.add(event);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                data = null;
                if (cancelAfter > 0 && size() == cancelAfter) {
                    cancelled = true;
                    subscription.cancel();
                }
            }
        }

        synchronized int size() {
            return events.size();
        }

        synchronized List<JsonNode> snapshot() {
            return List.copyOf(events);
        }

        synchronized String lastId() {
            return events.get(events.size() - 1).get("id").asText();
        }

        synchronized long completed() {
            return events.stream().filter(e -> "Completed".equals(e.path("state").asText())).count();
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }

    /** Opens a stream for {@code watcher} and waits until it is open (the answer's future ends with the stream). */
    private static void watch(HttpClient http, URI base, String token, String lastEventId, Watcher watcher) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/api/events")).header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        CompletableFuture<HttpResponse<Void>> answer = http.sendAsync(b.GET().build(), HttpResponse.BodyHandlers.fromLineSubscriber(watcher));
        for (int i = 0; i < 600 && !watcher.open.await(100, TimeUnit.MILLISECONDS); i++) {
            if (answer.isDone()) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
                throw new AssertionError("the stream ended before it began");
            }
        }
        assertThat(watcher.open.getCount()).as("the stream opened").isZero();
    }

    @Test
    void everyWatcherGetsEveryEventOfItsTenantInOrderAndAComebackMissesNothing() throws Exception {
        try (ControlPlaneCluster cluster = new ControlPlaneCluster(1, work.resolve("key.json"), "sse" + System.nanoTime(),
                Map.of("DISPATCH_POLL_MS", "200"));
             SimulatedAgent agent = new SimulatedAgent(AgentConfig.builder("sim-1").capabilities(List.of("azure-devops")).slots(4)
                     .jobDuration(Duration.ofMillis(1500)).progressInterval(Duration.ofMillis(150))
                     .heartbeatInterval(Duration.ofMillis(500)).checkpointInterval(Duration.ofMillis(400)).leaseWaitSeconds(2).build(),
                     cluster.uri(0), () -> cluster.token("provider", "sim-1", "Agents.Run"))) {
            URI base = cluster.uri(0);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, String> tokens = Map.of(
                    "contoso", cluster.token("contoso", "client", "Jobs.Submit", "Jobs.Read"),
                    "fabrikam", cluster.token("fabrikam", "client", "Jobs.Submit", "Jobs.Read"));
            Map<String, List<Watcher>> watchers = Map.of("contoso", new ArrayList<>(), "fabrikam", new ArrayList<>());
            for (String tenant : tokens.keySet()) {
                for (int i = 0; i < WATCHERS_PER_TENANT; i++) {
                    Watcher w = new Watcher(0);
                    watchers.get(tenant).add(w);
                    watch(http, base, tokens.get(tenant), null, w);
                }
            }
            // The comeback watcher: starts with the others, drops its connection after 5 events.
            Watcher dropping = new Watcher(5);
            watch(http, base, tokens.get("contoso"), null, dropping);

            Thread running = new Thread(agent, "sim-1");
            running.setDaemon(true);
            running.start();
            ApiCalls api = new ApiCalls(base);
            Map<String, Set<String>> jobs = Map.of("contoso", new HashSet<>(), "fabrikam", new HashSet<>());
            for (int i = 0; i < JOBS_PER_TENANT; i++) {
                for (String tenant : tokens.keySet()) {
                    ObjectNode spec = JobSpecs.validSpecJson();
                    ((ObjectNode) spec.path("config")).putObject("simulation").put("durationMs", 1500);
                    jobs.get(tenant).add(api.id(api.send("POST", "/api/jobs", tokens.get(tenant), spec.toString())));
                }
            }

            for (int i = 0; i < 600 && !dropping.cancelled; i++) {
                Thread.sleep(50);
            }
            assertThat(dropping.cancelled).as("the dropping watcher got its first events").isTrue();
            Watcher comeback = new Watcher(0);
            watch(http, base, tokens.get("contoso"), dropping.lastId(), comeback);

            for (int i = 0; i < 1200 && !allCompleted(watchers, comeback); i++) {
                Thread.sleep(50);
            }
            Thread.sleep(500); // anything after the last completion would show up now

            for (String tenant : tokens.keySet()) {
                List<String> reference = ids(watchers.get(tenant).get(0).snapshot());
                assertThat(reference).as("ids grow: the order they happened in").isSorted().doesNotHaveDuplicates();
                for (Watcher w : watchers.get(tenant)) {
                    List<JsonNode> seen = w.snapshot();
                    assertThat(ids(seen)).as(tenant + "'s watchers all got the same events").isEqualTo(reference);
                    assertThat(seen).allSatisfy(e -> assertThat(e.get("tenantId").asText()).isEqualTo(tenant));
                }
                List<JsonNode> events = watchers.get(tenant).get(0).snapshot();
                Set<String> jobsSeen = new HashSet<>();
                events.forEach(e -> jobsSeen.add(e.get("jobId").asText()));
                assertThat(jobsSeen).isEqualTo(jobs.get(tenant));
                for (String jobId : jobs.get(tenant)) {
                    List<String> lifecycle = events.stream().filter(e -> e.get("jobId").asText().equals(jobId))
                            .filter(e -> e.has("state")).map(e -> e.get("state").asText()).toList();
                    assertThat(lifecycle).as(jobId).startsWith("Queued").endsWith("Completed").contains("Running");
                    assertThat(events.stream().filter(e -> e.get("jobId").asText().equals(jobId))
                            .filter(e -> "progress".equals(e.get("type").asText())).count()).as("progress of " + jobId).isPositive();
                }
            }
            List<String> contoso = ids(watchers.get("contoso").get(0).snapshot());
            List<String> stitched = new ArrayList<>(ids(dropping.snapshot()));
            stitched.addAll(ids(comeback.snapshot()));
            assertThat(stitched).as("before the drop, then after Last-Event-ID").isEqualTo(contoso);
        }
    }

    private static boolean allCompleted(Map<String, List<Watcher>> watchers, Watcher comeback) {
        return comeback.completed() == JOBS_PER_TENANT && watchers.values().stream().flatMap(List::stream)
                .allMatch(w -> w.completed() == JOBS_PER_TENANT);
    }

    private static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.get("id").asText()).toList();
    }
}
