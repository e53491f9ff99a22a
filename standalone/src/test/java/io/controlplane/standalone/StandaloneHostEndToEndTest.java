package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.api.Json;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.testing.Azurite;
import io.controlplane.testing.Processes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone host as a real process (java -cp ... StandaloneHost) on a persistent Azurite,
 * spoken to over HTTP: the README walk-through, restarts of both processes, transport errors, and
 * what its log shows (trace ids on request lines, spans and metrics from the logging exporters).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneHostEndToEndTest {

    private static final String SPEC = io.controlplane.domain.JobSpecs.API_EXAMPLE;

    @TempDir
    static Path work;

    private final ObjectMapper json = Json.mapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Azurite azurite;
    private Process host;
    private int port;
    private Path keyFile;
    private Path log;

    @BeforeAll
    void start() throws Exception {
        azurite = Azurite.start(work.resolve("azurite"));
        keyFile = work.resolve("dev-issuer-key.json");
        port = Azurite.freePort();
        startHost();
    }

    @AfterAll
    void stop() {
        stopHost(false);
        if (azurite != null) {
            azurite.close();
        }
    }

    private void startHost() throws Exception {
        log = Files.createTempFile(work, "host", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StandaloneHost.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("PORT", String.valueOf(port));
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("STORAGE_TABLE_PREFIX", "e2e");
        env.put("CONTROLPLANE_REGIONS", "westeurope");
        env.put("AUTH_DEV_ISSUER", "true");
        env.put("DEV_ISSUER_KEY_FILE", keyFile.toString());
        // A CI runner in Kubernetes (or on Azure) sets these, and the development issuer is refused there.
        List.of("WEBSITE_INSTANCE_ID", "CONTAINER_APP_NAME", "KUBERNETES_SERVICE_HOST").forEach(env::remove);
        env.put("CONTROLPLANE_SETTINGS_FILE", work.resolve("absent.json").toString());
        env.put("MAX_REQUEST_BYTES", String.valueOf(1024 * 1024));
        // No exporter endpoint: spans and metrics go to the log; metrics every second so the test sees them soon.
        env.remove("APPLICATIONINSIGHTS_CONNECTION_STRING");
        env.remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        env.remove("OTEL_SDK_DISABLED");
        env.put("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        host = builder.start();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            assertThat(host.isAlive()).as(Files.readString(log)).isTrue();
            try {
                if (send("GET", "/api/health/ready", null, null).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("host not ready in 60 s: " + Files.readString(log));
    }

    /** kill -9 when {@code crash}, otherwise SIGTERM then SIGKILL after a short wait. */
    private void stopHost(boolean crash) {
        if (host == null) {
            return;
        }
        Processes.stop(host, crash, 5);
        host = null;
    }

    private String token(String tenant, String... roles) {
        return DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE)
                .token(tenant, "e2e-user", List.of(roles), Duration.ofMinutes(10));
    }

    private String client(String tenant) {
        return token(tenant, "Jobs.Submit", "Jobs.Read", "Jobs.Manage");
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode read(HttpResponse<String> response) throws IOException {
        return json.readTree(response.body());
    }

    @Test
    void theReadmeWalkThroughWorksOverHttp() throws Exception {
        String token = client("contoso");

        HttpResponse<String> created = send("POST", "/api/jobs", token, SPEC);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = read(created).get("id").asText();
        assertThat(created.headers().firstValue("Location")).contains("/api/jobs/" + id);
        assertThat(created.headers().firstValue("x-request-id")).isPresent();

        HttpResponse<String> got = send("GET", "/api/jobs/" + id, token, null);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(read(got).get("state").asText()).isEqualTo("Queued");

        List<String> listed = new ArrayList<>();
        read(send("GET", "/api/jobs?state=Queued&limit=500", token, null)).get("items")
                .forEach(j -> listed.add(j.get("id").asText()));
        assertThat(listed).contains(id);

        HttpResponse<String> cancelled = send("POST", "/api/jobs/" + id + "/cancel", token, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(read(cancelled).get("state").asText()).isEqualTo("Cancelled");
        assertThat(read(send("GET", "/api/jobs/" + id + "/history", token, null)).get("items")).hasSize(2);

        assertThat(send("GET", "/api/jobs/" + id, client("fabrikam"), null).statusCode()).isEqualTo(404);
    }

    @Test
    void jobsSurviveACrashOfTheHostAndARestartOfAzurite() throws Exception {
        String token = client("northwind");
        String queued = read(send("POST", "/api/jobs", token, SPEC)).get("id").asText();
        String cancelled = read(send("POST", "/api/jobs", token, SPEC)).get("id").asText();
        assertThat(send("POST", "/api/jobs/" + cancelled + "/cancel", token, null).statusCode()).isEqualTo(200);
        JsonNode before = read(send("GET", "/api/jobs/" + queued, token, null));

        stopHost(true);
        azurite.restart();
        startHost();

        JsonNode after = read(send("GET", "/api/jobs/" + queued, token, null));
        assertThat(after).isEqualTo(before);
        assertThat(read(send("GET", "/api/jobs/" + cancelled, token, null)).get("state").asText()).isEqualTo("Cancelled");
        assertThat(read(send("GET", "/api/jobs/" + cancelled + "/history", token, null)).get("items")).hasSize(2);
        assertThat(send("POST", "/api/jobs/" + queued + "/cancel", token, null).statusCode()).isEqualTo(200);
    }

    @Test
    void transportErrorsAreProblemsNeverServerErrors() throws Exception {
        String token = client("contoso");

        HttpResponse<String> anonymous = send("GET", "/api/jobs", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).contains("application/problem+json");

        HttpResponse<String> huge = send("POST", "/api/jobs", token, "{\"name\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);

        HttpResponse<String> invalid = send("POST", "/api/jobs", token, "{\"tier\":\"Gold\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(read(invalid).get("errors").size()).isGreaterThanOrEqualTo(6);

        assertThat(send("GET", "/api/jobs/does-not-exist", token, null).statusCode()).isEqualTo(404);
        assertThat(send("PATCH", "/api/jobs", token, "{}").statusCode()).isEqualTo(405);
    }

    @Test
    void theLogCarriesTraceIdsAndShowsSpansAndMetrics() throws Exception {
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + client("contoso"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                .POST(HttpRequest.BodyPublishers.ofString(SPEC)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("x-request-id")).contains(traceId);

        // The request line carries the trace and the server span's id; the logging exporters write the
        // span (batched, every 5 s) and the metrics (every OTEL_METRIC_EXPORT_INTERVAL).
        String requestLine = "trace_id=" + traceId + " span_id=";
        String span = "'POST /api/jobs' : " + traceId;
        Instant deadline = Instant.now().plusSeconds(30);
        String text = Files.readString(log);
        while (Instant.now().isBefore(deadline) && !(text.contains(span) && text.contains("controlplane.jobs.submitted"))) {
            Thread.sleep(250);
            text = Files.readString(log);
        }
        assertThat(text.lines().filter(l -> l.contains("event=request") && l.contains("path=/api/jobs ")))
                .anySatisfy(l -> assertThat(l).containsPattern(requestLine + "[0-9a-f]{16} "));
        assertThat(text.lines().filter(l -> l.contains("logger=LoggingSpanExporter")))
                .anySatisfy(l -> assertThat(l).contains(span, "SERVER", "controlplane.job.id="));
        assertThat(text.lines().filter(l -> l.contains("logger=LoggingMetricExporter")))
                .anySatisfy(l -> assertThat(l).contains("controlplane.jobs.submitted"));
    }
}
