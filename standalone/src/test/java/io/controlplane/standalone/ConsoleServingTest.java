package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.Json;
import io.controlplane.config.ControlPlaneSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone host serves the web console at / beside the API, with its config.json, caching and security headers. */
class ConsoleServingTest {

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(URI base, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theConsoleIsServedAtTheRootWithItsConfigAndTheApiStaysWhereItWas() throws Exception {
        try (ControlPlaneCluster cluster = new ControlPlaneCluster(1, work.resolve("key.json"), "con" + System.nanoTime(), Map.of())) {
            URI base = cluster.uri(0);
            HttpResponse<String> index = get(base, "/", Map.of());
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            String csp = index.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).startsWith("default-src 'self'").contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline");
            assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(index.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(index.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(index.body()).contains("<main id=\"main\"").doesNotContain("{{");

            Matcher script = Pattern.compile("src=\"(app-[A-Z0-9]{8}\\.js)\"").matcher(index.body());
            assertThat(script.find()).as("index.html names the hashed bundle").isTrue();
            HttpResponse<String> js = get(base, "/" + script.group(1), Map.of());
            assertThat(js.statusCode()).isEqualTo(200);
            assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
            assertThat(js.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
            String etag = js.headers().firstValue("ETag").orElseThrow();
            assertThat(get(base, "/" + script.group(1), Map.of("If-None-Match", etag)).statusCode()).isEqualTo(304);
            Matcher css = Pattern.compile("href=\"(app-[A-Z0-9]{8}\\.css)\"").matcher(index.body());
            assertThat(css.find()).isTrue();
            assertThat(get(base, "/" + css.group(1), Map.of()).headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");

            HttpResponse<String> config = get(base, "/config.json", Map.of());
            assertThat(config.statusCode()).isEqualTo(200);
            assertThat(config.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode c = Json.mapper().readTree(config.body());
            assertThat(c.get("apiBaseUrl").asText()).isEmpty();
            assertThat(c.at("/auth/mode").asText()).isEqualTo("dev");
            assertThat(c.at("/auth/devTokenHint").asText()).startsWith("scripts/dev-token.sh");

            // The API is untouched; an unknown path, a traversal and another method get the API's problem documents.
            assertThat(get(base, "/api/health", Map.of()).statusCode()).isEqualTo(200);
            for (String path : new String[] {"/nope", "/app.js", "/../pom.xml", "/console/files.txt", "/%2e%2e/pom.xml"}) {
                HttpResponse<String> missing = get(base, path, Map.of());
                assertThat(missing.statusCode()).as(path).isIn(400, 404); // Jetty refuses a dot segment itself (400)
                assertThat(missing.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
            }
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(base.resolve("/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(post.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void switchedOffTheRootIsAnUnknownPathAgain() throws Exception {
        try (ControlPlaneCluster cluster = new ControlPlaneCluster(1, work.resolve("key.json"), "coff" + System.nanoTime(),
                Map.of("CONSOLE_ENABLED", "false"))) {
            HttpResponse<String> root = get(cluster.uri(0), "/", Map.of());
            assertThat(root.statusCode()).isEqualTo(404);
            assertThat(root.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    @Test
    void entraSettingsReachTheConfigAndThePolicy() {
        Map<String, String> values = new HashMap<>(io.controlplane.testing.LocalSettings.onSharedAzurite("x", work.resolve("k.json")));
        values.remove("AUTH_DEV_ISSUER");
        values.put("AUTH_METADATA_URL", "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/.well-known/openid-configuration");
        values.put("AUTH_AUDIENCE", "api://controlplane");
        values.put("CONSOLE_CLIENT_ID", "11111111-2222-3333-4444-555555555555");
        values.put("CONSOLE_API_SCOPE", "api://controlplane/Jobs.Manage, api://controlplane/Jobs.Read");
        values.put("CONSOLE_API_BASE_URL", "https://cp-westeurope.azurewebsites.net/");
        ControlPlaneSettings settings = ControlPlaneSettings.from(values);
        ConsoleSettings console = ConsoleSettings.from(values, settings);
        JsonNode config = readJson(console.configJson());
        assertThat(config.get("apiBaseUrl").asText()).isEqualTo("https://cp-westeurope.azurewebsites.net");
        assertThat(config.at("/auth/mode").asText()).isEqualTo("entra");
        assertThat(config.at("/auth/clientId").asText()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(config.at("/auth/authority").asText()).isEqualTo(ConsoleSettings.DEFAULT_AUTHORITY);
        assertThat(config.at("/auth/scopes").toString()).isEqualTo("[\"api://controlplane/Jobs.Manage\",\"api://controlplane/Jobs.Read\"]");
        assertThat(console.contentSecurityPolicy())
                .contains("connect-src 'self' https://cp-westeurope.azurewebsites.net https://login.microsoftonline.com")
                .contains("frame-src https://login.microsoftonline.com");

        values.put("CONSOLE_AUTHORITY", "http://login.example.com");
        assertThatThrownBy(() -> ConsoleSettings.from(values, settings)).hasMessageContaining("CONSOLE_AUTHORITY");
    }

    @Test
    void theOperationsGuideListsEveryConsoleSetting() throws Exception {
        String guide = java.nio.file.Files.readString(io.controlplane.testing.ProjectRoot.find().resolve("docs/operations.md"));
        int start = guide.indexOf("### The web console");
        assertThat(start).as("a '### The web console' section").isPositive();
        String section = guide.substring(start, guide.indexOf("\n### ", start + 1));
        for (String name : new String[] {ConsoleSettings.ENABLED, ConsoleSettings.API_BASE_URL, ConsoleSettings.CLIENT_ID,
                ConsoleSettings.AUTHORITY, ConsoleSettings.API_SCOPE}) {
            assertThat(section).as("the web console section documents %s", name).contains("| `" + name + "` |");
        }
    }

    private static JsonNode readJson(byte[] body) {
        try {
            return Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
