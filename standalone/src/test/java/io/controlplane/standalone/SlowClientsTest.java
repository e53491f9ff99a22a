package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.auth.DevIssuer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 200 clients trickling their request one byte every half second (100 their headers, 100 their
 * body, with a valid token) cost the host sockets, not threads: health reads meanwhile answer
 * within a second each, and the host closes each slow connection at its deadline (a body gets a
 * 408 problem first; a head that never ends gets nothing).
 */
class SlowClientsTest {

    private static final int HEADER_TIMEOUT_MS = 2000;
    private static final int BODY_TIMEOUT_MS = 2000;
    private static final int EACH = 100;

    private StandaloneHost host;
    private String token;
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws IOException {
        Path keyFile = Files.createTempDirectory("slow-clients").resolve("dev-issuer-key.json");
        Map<String, String> values = io.controlplane.testing.LocalSettings.onSharedAzurite("slow", keyFile);
        values.put("HTTP_HEADER_TIMEOUT_MS", String.valueOf(HEADER_TIMEOUT_MS));
        values.put("HTTP_BODY_TIMEOUT_MS", String.valueOf(BODY_TIMEOUT_MS));
        // Few threads, so a host that spent one per slow client would starve at once.
        values.put("HTTP_THREADS", "16");
        host = StandaloneHost.start(values);
        token = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE)
                .token("contoso", "slow", List.of("Jobs.Submit"), Duration.ofMinutes(10));
    }

    @AfterEach
    void stop() {
        trickle.shutdownNow();
        host.close();
    }

    /** One slow client: its socket, when it was opened, when the host closed it and what it said. */
    private static final class Slow {
        final Socket socket;
        final long openedAt = System.nanoTime();
        volatile long closedAt;
        volatile RawHttp.Answer answer;

        Slow(Socket socket) {
            this.socket = socket;
        }
    }

    private Slow open(String head, CountDownLatch closed) throws IOException {
        Socket socket = new Socket("127.0.0.1", host.port());
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        Slow slow = new Slow(socket);
        Thread reader = new Thread(() -> {
            try {
                slow.answer = RawHttp.parse(RawHttp.readAll(socket.getInputStream()));
            } catch (IOException e) {
                slow.answer = RawHttp.parse(new byte[0]);
            }
            slow.closedAt = System.nanoTime();
            closed.countDown();
        }, "slow-reader");
        reader.setDaemon(true);
        reader.start();
        return slow;
    }

    @Test
    void slowHeadsAndBodiesCostSocketsWithDeadlinesNotThreads() throws Exception {
        CountDownLatch closed = new CountDownLatch(2 * EACH);
        List<Slow> heads = new ArrayList<>();
        List<Slow> bodies = new ArrayList<>();
        for (int i = 0; i < EACH; i++) {
            heads.add(open("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", closed));
            bodies.add(open("POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", closed));
        }
        List<Slow> all = new ArrayList<>(heads);
        all.addAll(bodies);
        trickle.scheduleAtFixedRate(() -> all.forEach(slow -> {
            try {
                OutputStream out = slow.socket.getOutputStream();
                out.write('a');
                out.flush();
            } catch (IOException closedByHost) {
                // expected once the deadline passed
            }
        }), 500, 500, TimeUnit.MILLISECONDS);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
        List<Long> healthMillis = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + host.port()
                    + "/api/health")).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            healthMillis.add((System.nanoTime() - t0) / 1_000_000);
            assertThat(health.statusCode()).isEqualTo(200);
            Thread.sleep(150);
        }
        assertThat(healthMillis).allSatisfy(ms -> assertThat(ms).isLessThan(1000));

        assertThat(closed.await(15, TimeUnit.SECONDS)).as("every slow connection closed by the host").isTrue();
        for (Slow slow : heads) {
            // Closed; at most with a 400 problem on the way out, never a 5xx.
            assertThat(slow.answer.closedWithoutAnswer() || slow.answer.status() == 400).as(slow.answer.raw()).isTrue();
            // At the header deadline: at most two of them (see HeaderDeadlines), plus scheduling slack.
            assertThat(Duration.ofNanos(slow.closedAt - slow.openedAt))
                    .isBetween(Duration.ofMillis(HEADER_TIMEOUT_MS - 100), Duration.ofMillis(2 * HEADER_TIMEOUT_MS + 3000));
        }
        for (Slow slow : bodies) {
            assertThat(slow.answer.status()).as(slow.answer.raw()).isEqualTo(408);
            assertThat(slow.answer.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(slow.answer.bodyText()).contains("urn:controlplane:problem:request-timeout");
            assertThat(Duration.ofNanos(slow.closedAt - slow.openedAt))
                    .isBetween(Duration.ofMillis(BODY_TIMEOUT_MS - 100), Duration.ofMillis(BODY_TIMEOUT_MS + 3000));
        }
    }
}
