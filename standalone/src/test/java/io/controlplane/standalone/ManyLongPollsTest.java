package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.auth.DevIssuer;
import io.controlplane.testing.Azurite;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of agents long-polling one standalone host (a real process on Azurite): a parked poll
 * costs a socket, not a thread, so health and status reads keep answering meanwhile; SIGTERM
 * answers every parked poll 204 at once and the process is gone within 10 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManyLongPollsTest {

    static final int WAITERS = 2000;
    static final int READS = 100;
    /** The longest a poll may wait: the reads must be done well within it. */
    static final int WAIT_SECONDS = io.controlplane.app.LeaseWork.MAX_WAIT_SECONDS;

    @TempDir
    static Path work;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private HostProcess host;
    private DevIssuer issuer;
    private final List<String> agents = IntStream.range(0, WAITERS).mapToObj(i -> "waiter-" + i).toList();
    private String agentToken;
    private String clientToken;
    private String jobId;

    @BeforeAll
    void start() throws Exception {
        Path keyFile = work.resolve("dev-issuer-key.json");
        issuer = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
        // A first claim also refreshes the agent's heartbeat when it is older than the heartbeat
        // interval: with the defaults, 2,000 agents registered over half a minute would each cost a
        // write on arrival. That is the claim's business, not the parking's: keep it out of the way.
        host = HostProcess.start(work, Azurite.shared(), "waiters", keyFile, Map.of("LEASE_SECONDS", "3600",
                "HEARTBEAT_SECONDS", "600", "AGENT_OFFLINE_SECONDS", "3600"));
        agentToken = issuer.token("provider", "fleet", List.of("Agents.Run"), Duration.ofHours(1));
        clientToken = issuer.token("contoso", "reader", List.of("Jobs.Submit", "Jobs.Read", "Jobs.Manage"), Duration.ofHours(1));
        registerAgents();
        // A job for the status reads; cancelled, so no waiting agent takes it.
        HttpResponse<String> created = send("POST", "/api/jobs", clientToken, io.controlplane.domain.JobSpecs.API_EXAMPLE);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        jobId = io.controlplane.api.Json.mapper().readTree(created.body()).get("id").asText();
        assertThat(send("POST", "/api/jobs/" + jobId + "/cancel", clientToken, null).statusCode()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    private void registerAgents() throws Exception {
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<Integer>> registered = new ArrayList<>();
        for (String agent : agents) {
            inFlight.acquire();
            registered.add(http.sendAsync(request("PUT", "/api/agents/" + agent, agentToken,
                            "{\"region\":\"westeurope\",\"pool\":\"shared\",\"capabilities\":[\"git\"],\"slots\":1}"),
                    HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode)
                    .whenComplete((s, e) -> inFlight.release()));
        }
        assertThat(registered.stream().map(CompletableFuture::join)).containsOnly(200);
    }

    private HttpRequest request(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(host.uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return b.build();
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return http.send(request(method, path, token, body), HttpResponse.BodyHandlers.ofString());
    }

    /** READS health reads and READS status reads, one after another: each one's latency in ms. */
    private double[][] reads() throws Exception {
        double[] health = new double[READS];
        double[] status = new double[READS];
        for (int i = 0; i < READS; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> h = send("GET", "/api/health", null, null);
            health[i] = (System.nanoTime() - t0) / 1e6;
            assertThat(h.statusCode()).isEqualTo(200);
            t0 = System.nanoTime();
            HttpResponse<String> s = send("GET", "/api/jobs/" + jobId, clientToken, null);
            status[i] = (System.nanoTime() - t0) / 1e6;
            assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
        }
        return new double[][] {health, status};
    }

    /**
     * Waits until status reads are quick again: each poll's first claim is a few storage round
     * trips, so 2,000 arriving at once keep Azurite busy for a while before they are all parked.
     */
    private void awaitParked() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int quick = 0;
        while (quick < 5 && System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            send("GET", "/api/jobs/" + jobId, clientToken, null);
            quick = (System.nanoTime() - t0) < Duration.ofMillis(100).toNanos() ? quick + 1 : 0;
        }
    }

    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    @Test
    @Order(1)
    void twoThousandParkedLongPollsLeaveHealthAndStatusReadsAnswering() throws Exception {
        reads(); // warm up
        double[][] idle = reads();

        long parkedAt = System.nanoTime();
        try (ParkedPolls polls = ParkedPolls.open(host.port(), agents, agentToken, WAIT_SECONDS)) {
            awaitParked();
            assertThat(polls.answered()).as("polls answered before their wait ended: %s", polls.failures().stream()
                    .filter(java.util.Objects::nonNull).distinct().limit(5).toList()).isZero();

            double[][] busy = reads();
            long readsDone = System.nanoTime();

            System.out.printf("reads with no waiters:      health p50=%.1f ms p99=%.1f ms, status p50=%.1f ms p99=%.1f ms%n",
                    percentile(idle[0], 50), percentile(idle[0], 99), percentile(idle[1], 50), percentile(idle[1], 99));
            System.out.printf("reads with %d waiters:    health p50=%.1f ms p99=%.1f ms, status p50=%.1f ms p99=%.1f ms%n", WAITERS,
                    percentile(busy[0], 50), percentile(busy[0], 99), percentile(busy[1], 50), percentile(busy[1], 99));
            assertThat(Duration.ofNanos(readsDone - parkedAt)).as("reads done while every poll still waited")
                    .isLessThan(Duration.ofSeconds(WAIT_SECONDS - 1));
            assertThat(polls.answered()).as("polls answered before their wait ended").isZero();
            // The goal is 50 ms on an idle 2-core box; this box is shared, so the test allows more.
            assertThat(percentile(busy[0], 99)).isLessThan(1000);
            assertThat(percentile(busy[1], 99)).isLessThan(1000);

            assertThat(polls.awaitAll(Duration.ofSeconds(WAIT_SECONDS + 10))).as("every poll answered").isTrue();
            assertThat(polls.answers()).allSatisfy(a -> assertThat(a.status()).as(a.raw()).isEqualTo(204));
            long firstAnswer = Arrays.stream(polls.answeredAt()).min().orElseThrow();
            assertThat(Duration.ofNanos(firstAnswer - parkedAt)).as("no poll answered before its wait ended")
                    .isGreaterThan(Duration.ofSeconds(WAIT_SECONDS - 1));
        }
    }

    @Test
    @Order(2)
    void sigtermAnswersEveryParkedPoll204AndTheProcessIsGoneWithinTenSeconds() throws Exception {
        try (ParkedPolls polls = ParkedPolls.open(host.port(), agents.subList(0, 500), agentToken, 30)) {
            awaitParked();
            Thread.sleep(3000); // reads can be quick again while the last few first claims still wait for storage
            assertThat(polls.answered()).isZero();

            long terminatedAt = System.nanoTime();
            host.terminate();

            assertThat(polls.awaitAll(Duration.ofSeconds(10))).as("every parked poll answered").isTrue();
            assertThat(polls.answers()).allSatisfy(a -> assertThat(a.status()).as(a.raw()).isEqualTo(204));
            assertThat(host.awaitExit(Duration.ofSeconds(10).minusNanos(System.nanoTime() - terminatedAt)))
                    .as("exited within 10 s of SIGTERM").isTrue();
            long lastAnswer = Arrays.stream(polls.answeredAt()).max().orElseThrow();
            assertThat(Duration.ofNanos(lastAnswer - terminatedAt)).as("parked polls answered at once").isLessThan(Duration.ofSeconds(3));
            assertThat(host.log()).contains("event=stopping host=standalone", "event=stopped host=standalone");
        }
    }
}
