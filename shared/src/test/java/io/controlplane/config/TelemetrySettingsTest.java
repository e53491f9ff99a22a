package io.controlplane.config;

import static io.controlplane.config.TelemetrySettings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING;
import static io.controlplane.config.TelemetrySettings.APPLICATIONINSIGHTS_CONNECTION_STRING;
import static io.controlplane.config.TelemetrySettings.OTEL_EXPORTER_OTLP_ENDPOINT;
import static io.controlplane.config.TelemetrySettings.OTEL_METRIC_EXPORT_INTERVAL;
import static io.controlplane.config.TelemetrySettings.OTEL_SDK_DISABLED;
import static io.controlplane.config.TelemetrySettings.OTEL_TRACES_SAMPLER_ARG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.config.TelemetrySettings.Exporter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetrySettingsTest {

    private static final String CONNECTION_STRING = "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
            + "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/";

    @Test
    void theExporterFollowsWhichSettingsArePresent() {
        assertThat(TelemetrySettings.defaults().exporter()).isEqualTo(Exporter.LOGGING);
        assertThat(TelemetrySettings.from(Map.of(OTEL_EXPORTER_OTLP_ENDPOINT, "http://localhost:4318")).exporter())
                .isEqualTo(Exporter.OTLP);
        assertThat(TelemetrySettings.from(Map.of(APPLICATIONINSIGHTS_CONNECTION_STRING, CONNECTION_STRING,
                OTEL_EXPORTER_OTLP_ENDPOINT, "http://localhost:4318")).exporter()).isEqualTo(Exporter.AZURE_MONITOR);
        assertThat(TelemetrySettings.from(Map.of(APPLICATIONINSIGHTS_CONNECTION_STRING, CONNECTION_STRING,
                OTEL_SDK_DISABLED, "TRUE")).exporter()).isEqualTo(Exporter.NONE);
        assertThat(TelemetrySettings.from(Map.of(APPLICATIONINSIGHTS_CONNECTION_STRING, " ")).exporter())
                .as("blank is unset").isEqualTo(Exporter.LOGGING);
    }

    @Test
    void defaultsAreAMinuteAndEveryTrace() {
        TelemetrySettings settings = TelemetrySettings.defaults();
        assertThat(settings.metricInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.sampleRatio()).isEqualTo(1.0);
        assertThat(settings.serviceName()).isEqualTo("migration-controlplane");
        assertThat(TelemetrySettings.from(Map.of(OTEL_METRIC_EXPORT_INTERVAL, "5000", OTEL_TRACES_SAMPLER_ARG, "0.25")))
                .satisfies(s -> {
                    assertThat(s.metricInterval()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(s.sampleRatio()).isEqualTo(0.25);
                });
    }

    @Test
    void theAuthenticationStringSwitchesToEntraIdWithAnOptionalManagedIdentity() {
        assertThat(TelemetrySettings.defaults().entraAuthentication()).isFalse();
        TelemetrySettings system = TelemetrySettings.from(Map.of(APPLICATIONINSIGHTS_AUTHENTICATION_STRING, "Authorization=AAD"));
        assertThat(system.entraAuthentication()).isTrue();
        assertThat(system.entraClientId()).isNull();
        // Keys in any case, spaces and a trailing ';' as people write them.
        TelemetrySettings user = TelemetrySettings.from(Map.of(APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
                " authorization=aad; ClientId=11111111-2222-3333-4444-555555555555;"));
        assertThat(user.entraAuthentication()).isTrue();
        assertThat(user.entraClientId()).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(user.toString()).contains("entraAuthentication=true", "entraClientId=11111111-2222-3333-4444-555555555555");
    }

    @Test
    void anAuthenticationStringThatIsNotEntraIdIsRefused() {
        for (String value : new String[] {"Authorization=Key", "ClientId=11111111-2222-3333-4444-555555555555",
                "Authorization=AAD;ClientId=my-identity", "Authorization=AAD;Secret=x"}) {
            assertThatThrownBy(() -> TelemetrySettings.from(Map.of(APPLICATIONINSIGHTS_AUTHENTICATION_STRING, value)))
                    .as(value).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(APPLICATIONINSIGHTS_AUTHENTICATION_STRING + " must be Authorization=AAD");
        }
    }

    @Test
    void everyProblemIsReportedAtOnceAndTheConnectionStringIsNeverEchoed() {
        String secretish = "not-a-connection-string-s3cr3t";
        assertThatThrownBy(() -> TelemetrySettings.from(Map.of(
                APPLICATIONINSIGHTS_CONNECTION_STRING, secretish,
                OTEL_EXPORTER_OTLP_ENDPOINT, "localhost:4318",
                OTEL_SDK_DISABLED, "yes",
                OTEL_METRIC_EXPORT_INTERVAL, "10",
                OTEL_TRACES_SAMPLER_ARG, "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(APPLICATIONINSIGHTS_CONNECTION_STRING, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SDK_DISABLED,
                        OTEL_METRIC_EXPORT_INTERVAL, OTEL_TRACES_SAMPLER_ARG)
                .message().doesNotContain(secretish);
        assertThat(TelemetrySettings.from(Map.of(APPLICATIONINSIGHTS_CONNECTION_STRING, CONNECTION_STRING)).toString())
                .doesNotContain("00000000-0000").contains("<redacted>");
    }
}
