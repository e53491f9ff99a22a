package io.controlplane.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where traces and metrics go, validated at {@link #from(Map)} (every problem at once). The names are
 * the standard ones of Application Insights and OpenTelemetry, so what operators know from other
 * services applies; only the values listed here are read.
 *
 * @param connectionString Application Insights connection string: export to Azure Monitor
 * @param otlpEndpoint OTLP over HTTP base URL (a collector, e.g. {@code http://localhost:4318})
 * @param disabled no telemetry at all (instruments are no-ops)
 * @param serviceName {@code service.name} of the resource
 * @param metricInterval how often metrics are collected and exported
 * @param sampleRatio share of new traces kept (a request continuing a trace follows its parent's choice)
 * @param entraAuthentication Azure Monitor export authenticates with an Entra ID token (the resource's
 *        local, key-based ingestion may be off, as the Bicep templates set it)
 * @param entraClientId the user-assigned managed identity to get that token with; null for the
 *        {@code DefaultAzureCredential} chain's own choice (system-assigned identity, or {@code AZURE_CLIENT_ID})
 */
public record TelemetrySettings(String connectionString, String otlpEndpoint, boolean disabled, String serviceName,
                                Duration metricInterval, double sampleRatio, boolean entraAuthentication,
                                String entraClientId) {

    public static final String APPLICATIONINSIGHTS_CONNECTION_STRING = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    /**
     * {@code Authorization=AAD} or {@code Authorization=AAD;ClientId=<client id>}: the setting Application
     * Insights' own agents and the Functions host read, so one app setting switches both to Entra ID.
     */
    public static final String APPLICATIONINSIGHTS_AUTHENTICATION_STRING = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public static final String OTEL_EXPORTER_OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String OTEL_SDK_DISABLED = "OTEL_SDK_DISABLED";
    public static final String OTEL_SERVICE_NAME = "OTEL_SERVICE_NAME";
    public static final String OTEL_METRIC_EXPORT_INTERVAL = "OTEL_METRIC_EXPORT_INTERVAL";
    public static final String OTEL_TRACES_SAMPLER_ARG = "OTEL_TRACES_SAMPLER_ARG";

    /** The {@code service.name} when none is set: the name the Bicep templates give the Function App. */
    public static final String DEFAULT_SERVICE_NAME = "migration-controlplane";

    /** Where telemetry is sent, decided by which settings are present. */
    public enum Exporter {
        /** {@code APPLICATIONINSIGHTS_CONNECTION_STRING} is set (it wins over an OTLP endpoint). */
        AZURE_MONITOR,
        /** {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set. */
        OTLP,
        /** Neither: spans and metrics are written to the log (local runs). */
        LOGGING,
        /** {@code OTEL_SDK_DISABLED=true}. */
        NONE
    }

    public static TelemetrySettings defaults() {
        return from(Map.of());
    }

    public static TelemetrySettings from(Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        String connection = SettingValues.text(values, APPLICATIONINSIGHTS_CONNECTION_STRING);
        if (connection != null && !connection.matches("(?i)(.*;)?\\s*InstrumentationKey\\s*=\\s*[^;\\s]+.*")) {
            // Never echo the value: it is a credential of the Application Insights resource.
            problems.add(APPLICATIONINSIGHTS_CONNECTION_STRING + " must be an Application Insights connection string"
                    + " (InstrumentationKey=...;IngestionEndpoint=...)");
        }
        boolean entra = false;
        String entraClientId = null;
        String authentication = SettingValues.text(values, APPLICATIONINSIGHTS_AUTHENTICATION_STRING);
        if (authentication != null) {
            Map<String, String> parts = new HashMap<>();
            for (String part : authentication.split(";")) {
                int equals = part.indexOf('=');
                if (!part.isBlank()) {
                    parts.put(equals < 0 ? part.trim().toLowerCase(Locale.ROOT) : part.substring(0, equals).trim().toLowerCase(Locale.ROOT),
                            equals < 0 ? "" : part.substring(equals + 1).trim());
                }
            }
            entraClientId = parts.remove("clientid");
            if (!"aad".equalsIgnoreCase(parts.remove("authorization")) || !parts.isEmpty()
                    || (entraClientId != null && !entraClientId.matches("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))) {
                problems.add(APPLICATIONINSIGHTS_AUTHENTICATION_STRING + " must be Authorization=AAD, or Authorization=AAD;ClientId=<client id"
                        + " of a user-assigned managed identity>");
            }
            entra = true;
        }
        String otlp = SettingValues.text(values, OTEL_EXPORTER_OTLP_ENDPOINT);
        if (otlp != null && !isHttpUrl(otlp)) {
            problems.add(OTEL_EXPORTER_OTLP_ENDPOINT + " must be an http or https URL, e.g. http://localhost:4318");
        }
        boolean disabled = SettingValues.flag(values, OTEL_SDK_DISABLED, false, problems);
        String service = SettingValues.text(values, OTEL_SERVICE_NAME);
        long interval = 60_000;
        String rawInterval = SettingValues.text(values, OTEL_METRIC_EXPORT_INTERVAL);
        if (rawInterval != null) {
            try {
                interval = Long.parseLong(rawInterval);
                if (interval < 1_000 || interval > 3_600_000) {
                    problems.add(OTEL_METRIC_EXPORT_INTERVAL + " must be from 1000 to 3600000 (milliseconds)");
                }
            } catch (NumberFormatException e) {
                problems.add(OTEL_METRIC_EXPORT_INTERVAL + " must be a whole number of milliseconds");
            }
        }
        double ratio = 1.0;
        String rawRatio = SettingValues.text(values, OTEL_TRACES_SAMPLER_ARG);
        if (rawRatio != null) {
            try {
                ratio = Double.parseDouble(rawRatio);
                if (!(ratio >= 0.0 && ratio <= 1.0)) {
                    problems.add(OTEL_TRACES_SAMPLER_ARG + " must be from 0 to 1");
                }
            } catch (NumberFormatException e) {
                problems.add(OTEL_TRACES_SAMPLER_ARG + " must be a number from 0 to 1");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid telemetry settings:\n - " + String.join("\n - ", problems));
        }
        return new TelemetrySettings(connection, otlp, disabled, service == null ? DEFAULT_SERVICE_NAME : service,
                Duration.ofMillis(interval), ratio, entra, entraClientId);
    }

    public Exporter exporter() {
        if (disabled) {
            return Exporter.NONE;
        }
        if (connectionString != null) {
            return Exporter.AZURE_MONITOR;
        }
        return otlpEndpoint != null ? Exporter.OTLP : Exporter.LOGGING;
    }

    /** Without the connection string, which holds the resource's key: settings get logged. */
    @Override
    public String toString() {
        return "TelemetrySettings[exporter=" + exporter() + ", connectionString=" + (connectionString == null ? null : "<redacted>")
                + ", otlpEndpoint=" + otlpEndpoint + ", serviceName=" + serviceName + ", metricInterval=" + metricInterval
                + ", sampleRatio=" + sampleRatio + ", entraAuthentication=" + entraAuthentication
                + ", entraClientId=" + entraClientId + "]";
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
