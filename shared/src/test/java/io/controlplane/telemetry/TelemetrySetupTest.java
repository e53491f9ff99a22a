package io.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import io.controlplane.config.TelemetrySettings;
import io.controlplane.config.TelemetrySettings.Exporter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The exporter follows the settings, and each choice builds a working SDK without sending anything
 * (nothing is recorded before it is closed; Azure Monitor's live metrics are off here).
 */
class TelemetrySetupTest {

    /** Syntactically valid; the key is all zeros and the endpoint is never called. */
    static final String CONNECTION_STRING = "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
            + "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;"
            + "LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/";

    private static TelemetrySetup.Installed install(Map<String, String> values) {
        TelemetrySettings settings = TelemetrySettings.from(values);
        Resource resource = TelemetrySetup.resource(settings, Set.of("westeurope"), "Development");
        return TelemetrySetup.install(settings, resource, Map.of("applicationinsights.live.metrics.enabled", "false"));
    }

    @Test
    void withNothingSetSpansAndMetricsGoToTheLog() {
        try (TelemetrySetup.Installed installed = install(Map.of())) {
            assertThat(installed.exporter()).isEqualTo(Exporter.LOGGING);
            assertThat(installed.openTelemetry()).isInstanceOf(OpenTelemetrySdk.class);
            assertThat(installed.openTelemetry().toString()).contains("LoggingSpanExporter", "LoggingMetricExporter")
                    .doesNotContain("Otlp", "AzureMonitor");
        }
    }

    @Test
    void anOtlpEndpointSendsOtlpOverHttpToItsSignalPaths() {
        try (TelemetrySetup.Installed installed = install(Map.of(TelemetrySettings.OTEL_EXPORTER_OTLP_ENDPOINT, "http://127.0.0.1:4318"))) {
            assertThat(installed.exporter()).isEqualTo(Exporter.OTLP);
            assertThat(installed.openTelemetry().toString())
                    .contains("OtlpHttpSpanExporter", "http://127.0.0.1:4318/v1/traces")
                    .contains("OtlpHttpMetricExporter", "http://127.0.0.1:4318/v1/metrics")
                    .doesNotContain("LoggingSpanExporter");
        }
        assertThat(TelemetrySetup.signalUrl("https://collector.example:4318/", "traces")).isEqualTo("https://collector.example:4318/v1/traces");
    }

    @Test
    void aConnectionStringSendsToAzureMonitorEvenWithAnOtlpEndpoint() {
        try (TelemetrySetup.Installed installed = install(Map.of(
                TelemetrySettings.APPLICATIONINSIGHTS_CONNECTION_STRING, CONNECTION_STRING,
                TelemetrySettings.OTEL_EXPORTER_OTLP_ENDPOINT, "http://127.0.0.1:4318"))) {
            assertThat(installed.exporter()).isEqualTo(Exporter.AZURE_MONITOR);
            String sdk = installed.openTelemetry().toString();
            assertThat(sdk).contains("AzureMonitorTraceExporter", "AzureMonitorMetricExporter")
                    .doesNotContain("Otlp", "LoggingSpanExporter");
            assertThat(sdk).as("our resource, merged over the detected one")
                    .contains("service.name=\"migration-controlplane\"", "cloud.region=\"westeurope\"");
            // Instruments work on it (nothing is sent: the SDK is closed before any export interval).
            Telemetry telemetry = Telemetry.of(installed.openTelemetry(), java.time.Clock.systemUTC());
            assertThat(telemetry.enabled()).isTrue();
        }
    }

    /** Requests the exporter sends, answered as the ingestion endpoint answers, never sent anywhere. */
    static final class RecordingHttpClient implements HttpClient {
        final List<HttpRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public Mono<HttpResponse> send(HttpRequest request) {
            requests.add(request);
            byte[] body = "{\"itemsReceived\":1,\"itemsAccepted\":1,\"errors\":[]}".getBytes(StandardCharsets.UTF_8);
            return Mono.just(new HttpResponse(request) {
                @Override public int getStatusCode() { return 200; }
                @Override @Deprecated public String getHeaderValue(String name) { return null; }
                @Override public HttpHeaders getHeaders() { return new HttpHeaders().set(HttpHeaderName.CONTENT_TYPE, "application/json"); }
                @Override public Flux<ByteBuffer> getBody() { return Flux.just(ByteBuffer.wrap(body)); }
                @Override public Mono<byte[]> getBodyAsByteArray() { return Mono.just(body); }
                @Override public Mono<String> getBodyAsString() { return Mono.just(new String(body, StandardCharsets.UTF_8)); }
                @Override public Mono<String> getBodyAsString(Charset charset) { return Mono.just(new String(body, charset)); }
            });
        }

        /** The requests that carried telemetry items to the connection string's ingestion endpoint. */
        List<HttpRequest> ingestion() {
            return requests.stream().filter(r -> r.getUrl().getHost().equals("westeurope-5.in.applicationinsights.azure.com")
                    && r.getUrl().getPath().endsWith("/track")).toList();
        }
    }

    /** Hands out a fixed token and remembers which scopes it was asked for. */
    static final class FakeCredential implements TokenCredential {
        final List<String> scopes = new CopyOnWriteArrayList<>();

        @Override
        public Mono<AccessToken> getToken(TokenRequestContext request) {
            scopes.addAll(request.getScopes());
            return Mono.just(new AccessToken("entra-token-for-test", OffsetDateTime.now().plusHours(1)));
        }
    }

    /** Records one span through an Azure Monitor export and closes (flushes) it. */
    private static RecordingHttpClient exportOneSpan(Map<String, String> values, Map<String, FakeCredential> credentialsByClientId) {
        RecordingHttpClient http = new RecordingHttpClient();
        TelemetrySettings settings = TelemetrySettings.from(values);
        Resource resource = TelemetrySetup.resource(settings, Set.of("westeurope"), "Production");
        try (TelemetrySetup.Installed installed = TelemetrySetup.install(settings, resource,
                Map.of("applicationinsights.live.metrics.enabled", "false"), http, clientId -> {
                    FakeCredential credential = new FakeCredential();
                    credentialsByClientId.put(String.valueOf(clientId), credential);
                    return credential;
                })) {
            assertThat(installed.exporter()).isEqualTo(Exporter.AZURE_MONITOR);
            installed.openTelemetry().getTracer("test").spanBuilder("exported").startSpan().end();
        }
        return http;
    }

    @Test
    void onAzureTheExporterSendsWithAnEntraTokenOfTheConfiguredManagedIdentity() {
        // Application Insights with local authentication off (as deployed) refuses what carries no token.
        String clientId = "11111111-2222-3333-4444-555555555555";
        Map<String, FakeCredential> credentials = new ConcurrentHashMap<>();

        RecordingHttpClient http = exportOneSpan(Map.of(
                TelemetrySettings.APPLICATIONINSIGHTS_CONNECTION_STRING, CONNECTION_STRING,
                TelemetrySettings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING, "Authorization=AAD;ClientId=" + clientId), credentials);

        assertThat(credentials).as("credentials built, by managed identity client id").containsOnlyKeys(clientId);
        assertThat(credentials.get(clientId).scopes).as("token scopes asked for").isNotEmpty()
                .allMatch(scope -> scope.startsWith("https://monitor.azure.com/") && scope.endsWith(".default"));
        assertThat(http.ingestion()).as("telemetry sent to the ingestion endpoint").isNotEmpty()
                .allSatisfy(request -> assertThat(request.getHeaders().getValue(HttpHeaderName.AUTHORIZATION))
                        .isEqualTo("Bearer entra-token-for-test"));
    }

    @Test
    void withoutAClientIdTheCredentialIsTheDefaultChainsChoice() {
        Map<String, FakeCredential> credentials = new ConcurrentHashMap<>();

        RecordingHttpClient http = exportOneSpan(Map.of(
                TelemetrySettings.APPLICATIONINSIGHTS_CONNECTION_STRING, CONNECTION_STRING,
                TelemetrySettings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING, "Authorization=AAD"), credentials);

        assertThat(credentials).containsOnlyKeys("null");
        assertThat(http.ingestion()).isNotEmpty().allSatisfy(request ->
                assertThat(request.getHeaders().getValue(HttpHeaderName.AUTHORIZATION)).isEqualTo("Bearer entra-token-for-test"));
    }

    @Test
    void withoutTheAuthenticationStringNoCredentialIsBuiltAndNoTokenSent() {
        Map<String, FakeCredential> credentials = new ConcurrentHashMap<>();

        RecordingHttpClient http = exportOneSpan(Map.of(TelemetrySettings.APPLICATIONINSIGHTS_CONNECTION_STRING, CONNECTION_STRING),
                credentials);

        assertThat(credentials).isEmpty();
        assertThat(http.ingestion()).isNotEmpty()
                .allSatisfy(request -> assertThat(request.getHeaders().getValue(HttpHeaderName.AUTHORIZATION)).isNull());
    }

    @Test
    void theProcessCredentialIsAManagedIdentityChainBuiltWithoutNetwork() {
        // Building DefaultAzureCredential asks nothing of the network; only getToken would.
        assertThat(TelemetrySetup.entraCredential(null)).isNotNull();
        assertThat(TelemetrySetup.entraCredential("11111111-2222-3333-4444-555555555555")).isNotNull();
    }

    @Test
    void disabledMeansTheNoopImplementation() {
        try (TelemetrySetup.Installed installed = install(Map.of(TelemetrySettings.OTEL_SDK_DISABLED, "true",
                TelemetrySettings.APPLICATIONINSIGHTS_CONNECTION_STRING, CONNECTION_STRING))) {
            assertThat(installed.exporter()).isEqualTo(Exporter.NONE);
            assertThat(installed.openTelemetry()).isSameAs(OpenTelemetry.noop());
            assertThat(Telemetry.of(installed.openTelemetry(), java.time.Clock.systemUTC()).enabled()).isFalse();
        }
    }

    @Test
    void theResourceNamesTheServiceItsInstanceRegionsAndEnvironment() {
        TelemetrySettings settings = TelemetrySettings.from(Map.of(TelemetrySettings.OTEL_SERVICE_NAME, "cp-test"));
        Resource first = TelemetrySetup.resource(settings, Set.of("westeurope", "northeurope"), "Production");
        Resource second = TelemetrySetup.resource(settings, Set.of("westeurope"), "Production");

        assertThat(first.getAttribute(TelemetrySetup.SERVICE_NAME)).isEqualTo("cp-test");
        assertThat(first.getAttribute(TelemetryAttributes.CLOUD_REGION)).isEqualTo("northeurope,westeurope");
        assertThat(first.getAttribute(TelemetrySetup.DEPLOYMENT_ENVIRONMENT)).isEqualTo("Production");
        assertThat(first.getAttribute(TelemetrySetup.SERVICE_INSTANCE_ID)).isNotBlank()
                .isNotEqualTo(second.getAttribute(TelemetrySetup.SERVICE_INSTANCE_ID));
        assertThat(TelemetrySetup.resource(TelemetrySettings.defaults(), Set.of("westeurope"), "Development")
                .getAttribute(TelemetrySetup.SERVICE_NAME)).isEqualTo("migration-controlplane");
    }
}
