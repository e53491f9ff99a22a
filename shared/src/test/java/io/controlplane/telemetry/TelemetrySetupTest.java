package io.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.config.TelemetrySettings;
import io.controlplane.config.TelemetrySettings.Exporter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
