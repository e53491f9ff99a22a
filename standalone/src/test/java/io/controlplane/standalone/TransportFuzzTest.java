package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.Json;
import io.controlplane.api.auth.DevIssuer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Malformed HTTP over raw sockets at a standalone host: broken request lines, targets (bad
 * percent escapes, control characters, spaces, absolute and over-long targets), headers (no colon,
 * folded, control characters, too large, conflicting framing) and bodies (short, long, broken
 * chunks). Every answer is a problem document whose status is the HTTP status (or, for a request
 * line that cannot be read at all, a closed connection); never HTML, never a 5xx.
 */
class TransportFuzzTest {

    private static StandaloneHost host;
    private static String token;
    private static final AtomicInteger CLOSED = new AtomicInteger();
    private static final AtomicInteger PROBLEMS = new AtomicInteger();
    private static final AtomicInteger ANSWERED = new AtomicInteger();

    @BeforeContainer
    static void start() throws IOException {
        Path keyFile = Files.createTempDirectory("transport-fuzz").resolve("dev-issuer-key.json");
        Map<String, String> values = io.controlplane.testing.LocalSettings.onSharedAzurite("tfuzz", keyFile);
        values.put("HTTP_MAX_HEADER_BYTES", "8192");
        values.put("MAX_REQUEST_BYTES", "4096");
        values.put("HTTP_BODY_TIMEOUT_MS", "1000");
        values.put("HTTP_HEADER_TIMEOUT_MS", "1000");
        host = StandaloneHost.start(values);
        token = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE)
                .token("contoso", "fuzzer", List.of("Jobs.Submit", "Jobs.Read", "Jobs.Manage", "Agents.Run"), Duration.ofHours(1));
    }

    @AfterContainer
    static void stop() {
        System.out.printf("transport fuzz: %d problem documents, %d other answers (2xx/3xx), %d connections closed without an answer%n",
                PROBLEMS.get(), ANSWERED.get(), CLOSED.get());
        if (host != null) {
            host.close();
        }
    }

    @Property(tries = 400, seed = "9457", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
    void everyAnswerToMalformedHttpIsAProblemDocumentNeverHtmlNeverA5xx(@ForAll("requests") byte[] request) throws Exception {
        String shown = new String(request, StandardCharsets.ISO_8859_1);
        RawHttp.Answer answer = RawHttp.exchange(host.port(), request, 10_000);
        // The one HTML page is the web console's, a 200 to a well-formed GET or HEAD of / (with its own policy); never an error.
        boolean consolePage = !answer.closedWithoutAnswer() && answer.status() == 200
                && String.valueOf(answer.header("Content-Security-Policy")).startsWith("default-src 'self'");
        if (!consolePage) {
            assertThat(answer.raw().toLowerCase()).as(shown).doesNotContain("text/html", "<html");
        }
        if (answer.closedWithoutAnswer()) {
            CLOSED.incrementAndGet();
            return;
        }
        assertThat(answer.status()).as("status of %s\n-> %s", shown, answer.raw()).isBetween(200, 499);
        if (answer.status() >= 400) {
            assertThat(answer.header("Content-Type")).as(shown).isEqualTo("application/problem+json");
            PROBLEMS.incrementAndGet();
            if (shown.startsWith("HEAD ")) {
                return; // the same head, without the document
            }
            JsonNode problem = Json.mapper().readTree(answer.body());
            assertThat(problem.path("type").asText()).as(shown).startsWith("urn:controlplane:problem:");
            assertThat(problem.path("status").asInt()).as(shown).isEqualTo(answer.status());
        } else {
            ANSWERED.incrementAndGet();
        }
    }

    @Provide
    Arbitrary<byte[]> requests() {
        Arbitrary<String> method = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("get", "FOO", "G(T", "GET GET", "", "TRACE", "CONNECT", "\u00e9T", "G\u0000T")),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(12)));
        Arbitrary<String> path = Arbitraries.of("/api/health", "/api/health/ready", "/api/jobs", "/api/jobs/j-1", "/api/jobs/j-1/cancel",
                "/api/agents/a-1", "/api/agents/a-1/lease", "/api/leases/l-1/progress", "/", "/api", "/nope");
        Arbitrary<String> damage = Arbitraries.of("", "", "", "%ZZ", "%", "%2", "%2F", "%00", "%C3%28", "%E2%82", " x", "\t",
                "\u0001", "\u007f", "\u00ff", "\u00e9", "#frag", "/../..", "/./", "//", "?a=%ZZ", "?a=%", "?waitSeconds=%G1",
                "?waitSeconds=999", "?=&&==", ";jsessionid=1", "\\", "<script>", "\"", "{x}");
        Arbitrary<String> target = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Combinators.combine(path, damage).as((p, d) -> p + d)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("*", "", "http://evil/api/health", "evil:443", "api/jobs", "//evil/api",
                        "/api/" + "a".repeat(10_000))));
        Arbitrary<String> version = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just("HTTP/1.1")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of("HTTP/1.0", "HTTP/9.9", "HTTP/1", "http/1.1", "HTTP/1.1 extra", "", "HTTX/1.1")));
        Arbitrary<String> header = Arbitraries.of("Host: 127.0.0.1", "Host: 127.0.0.1", "Authorization: Bearer " + "TOKEN",
                "Authorization: Bearer not-a-token", "Authorization: Basic Zm9vOmJhcg==", "Content-Type: application/json",
                "Content-Type: text/html", "Content-Type: ;", "Accept: text/html", "X-Folded: a\r\n b", "No colon here",
                ": empty-name", "Bad Name: x", "X-Ctl: a\u0001b", "X-Latin: \u00e9\u00ff", "X-Big: " + "b".repeat(9000),
                "Content-Length: 5", "Content-Length: -1", "Content-Length: 99999999999999999999", "Content-Length: 1, 2",
                "Content-Length: abc", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, gzip",
                "Expect: banana", "Connection: upgrade", "Upgrade: websocket", "Host:", "traceparent: zz", "x-request-id: \u00e9",
                "Idempotency-Key: " + "k".repeat(300));
        Arbitrary<String> body = Arbitraries.of("", "", "{}", "{\"region\":\"westeurope\"}", "not json", "0\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n",
                "ZZ\r\nhello\r\n", "1\r\n", "x".repeat(5000), "{\"name\":\"\u0000\"}");
        return Combinators.combine(method, target, version, header.list().ofMaxSize(5), body, Arbitraries.of(true, false))
                .as((m, t, v, hs, b, lengthHeader) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    String line = (m + " " + t + (v.isEmpty() ? "" : " " + v)).replace("TOKEN", token);
                    out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                    out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    for (String h : hs) {
                        out.writeBytes(h.replace("TOKEN", token).getBytes(StandardCharsets.ISO_8859_1));
                        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    boolean framed = hs.stream().anyMatch(h -> h.startsWith("Content-Length") || h.startsWith("Transfer-Encoding"));
                    if (lengthHeader && !framed) {
                        out.writeBytes(("Content-Length: " + b.getBytes(StandardCharsets.UTF_8).length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.writeBytes("Connection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.writeBytes(b.getBytes(StandardCharsets.UTF_8));
                    return out.toByteArray();
                });
    }
}
