package io.controlplane.telemetry;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.monitor.opentelemetry.autoconfigure.AzureMonitorAutoConfigure;
import com.azure.monitor.opentelemetry.autoconfigure.AzureMonitorAutoConfigureOptions;
import io.controlplane.config.TelemetrySettings;
import io.controlplane.config.TelemetrySettings.Exporter;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Builds the {@link OpenTelemetry} a control plane process reports through, from its settings:
 * Azure Monitor (Application Insights) when a connection string is set (authenticated with the
 * managed identity when {@code APPLICATIONINSIGHTS_AUTHENTICATION_STRING} says so), else OTLP over HTTP when
 * a collector endpoint is set, else the logging exporters (spans and metrics in the log, for local
 * runs); nothing with {@code OTEL_SDK_DISABLED=true}. Every choice has the same resource
 * ({@code service.name}, {@code service.instance.id}, {@code cloud.region}, the environment), the
 * W3C trace context propagator, and a parent-based ratio sampler. Nothing is registered globally.
 */
public final class TelemetrySetup {

    static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");
    static final AttributeKey<String> DEPLOYMENT_ENVIRONMENT = AttributeKey.stringKey("deployment.environment.name");

    private TelemetrySetup() {
    }

    /** The SDK built, which exporter it uses, and how to flush and stop it. */
    public record Installed(OpenTelemetry openTelemetry, Exporter exporter) implements AutoCloseable {

        /** Nothing exported (tests, benchmarks). */
        public static Installed none() {
            return new Installed(OpenTelemetry.noop(), Exporter.NONE);
        }

        /** Flushes what is buffered and stops the exporters' threads. */
        @Override
        public void close() {
            if (openTelemetry instanceof OpenTelemetrySdk sdk) {
                sdk.close();
            }
        }
    }

    /**
     * @param regions the regions this deployment serves: its {@code cloud.region}
     * @param environment {@code Development} or {@code Production}
     */
    public static Installed install(TelemetrySettings settings, Set<String> regions, String environment) {
        return install(settings, resource(settings, regions, environment), Map.of());
    }

    /** @param azureMonitorProperties extra autoconfiguration properties (tests turn live metrics off) */
    static Installed install(TelemetrySettings settings, Resource resource, Map<String, String> azureMonitorProperties) {
        return install(settings, resource, azureMonitorProperties, new JdkHttpClientBuilder().build(), TelemetrySetup::entraCredential);
    }

    /**
     * @param httpClient what Azure Monitor's exporter sends with (tests record the requests instead)
     * @param credentials the Entra ID credential for a managed identity's client id (null: the chain's own choice)
     */
    static Installed install(TelemetrySettings settings, Resource resource, Map<String, String> azureMonitorProperties,
                             HttpClient httpClient, Function<String, TokenCredential> credentials) {
        return switch (settings.exporter()) {
            case NONE -> new Installed(OpenTelemetry.noop(), Exporter.NONE);
            case AZURE_MONITOR -> new Installed(azureMonitor(settings, resource, azureMonitorProperties, httpClient, credentials),
                    Exporter.AZURE_MONITOR);
            case OTLP -> new Installed(sdk(settings, resource,
                    OtlpHttpSpanExporter.builder().setEndpoint(signalUrl(settings.otlpEndpoint(), "traces")).build(),
                    OtlpHttpMetricExporter.builder().setEndpoint(signalUrl(settings.otlpEndpoint(), "metrics")).build()),
                    Exporter.OTLP);
            case LOGGING -> new Installed(sdk(settings, resource, LoggingSpanExporter.create(), LoggingMetricExporter.create()),
                    Exporter.LOGGING);
        };
    }

    /** The process's resource: the SDK's own attributes, then ours. */
    static Resource resource(TelemetrySettings settings, Set<String> regions, String environment) {
        // A deployment serves one region in Azure; a self-hosted one may serve several (comma-separated then).
        String region = String.join(",", regions.stream().sorted().toList());
        return Resource.getDefault().merge(Resource.create(Attributes.builder()
                .put(SERVICE_NAME, settings.serviceName())
                .put(SERVICE_INSTANCE_ID, UUID.randomUUID().toString())
                .put(TelemetryAttributes.CLOUD_REGION, region)
                .put(DEPLOYMENT_ENVIRONMENT, environment)
                .build()));
    }

    private static OpenTelemetrySdk sdk(TelemetrySettings settings, Resource resource, SpanExporter spans, MetricExporter metrics) {
        return OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .setResource(resource)
                        .setSampler(sampler(settings))
                        .addSpanProcessor(BatchSpanProcessor.builder(spans).build())
                        .build())
                .setMeterProvider(SdkMeterProvider.builder()
                        .setResource(resource)
                        .registerMetricReader(PeriodicMetricReader.builder(metrics).setInterval(settings.metricInterval()).build())
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    private static Sampler sampler(TelemetrySettings settings) {
        return Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio()));
    }

    /**
     * Azure Monitor's exporter (1.2.0) hooks into SDK autoconfiguration. The properties given here
     * override the environment's, so the settings decide, as for the other exporters: the exporters
     * are Azure Monitor's (no log exporter: logs reach Application Insights through the host), and the
     * interval, sampler and propagator are ours.
     */
    private static OpenTelemetrySdk azureMonitor(TelemetrySettings settings, Resource resource, Map<String, String> extra,
                                                 HttpClient httpClient, Function<String, TokenCredential> credentials) {
        Map<String, String> properties = new HashMap<>();
        properties.put("otel.traces.exporter", "azure_monitor");
        properties.put("otel.metrics.exporter", "azure_monitor");
        properties.put("otel.logs.exporter", "none");
        properties.put("otel.metric.export.interval", Long.toString(settings.metricInterval().toMillis()));
        properties.put("otel.traces.sampler", "parentbased_traceidratio");
        properties.put("otel.traces.sampler.arg", Double.toString(settings.sampleRatio()));
        properties.put("otel.propagators", "tracecontext");
        properties.putAll(extra);
        AutoConfiguredOpenTelemetrySdkBuilder builder = AutoConfiguredOpenTelemetrySdk.builder()
                .disableShutdownHook()
                .addPropertiesCustomizer(config -> properties)
                .addResourceCustomizer((detected, config) -> detected.merge(detected.getAttribute(SERVICE_INSTANCE_ID) == null
                        ? resource
                        // Autoconfiguration already gave the instance an id (an entity of its own): keep it.
                        : resource.toBuilder().removeIf(SERVICE_INSTANCE_ID::equals).build()));
        AzureMonitorAutoConfigureOptions options = new AzureMonitorAutoConfigureOptions()
                .connectionString(settings.connectionString())
                .httpClient(httpClient);
        if (settings.entraAuthentication()) {
            // With the resource's local authentication off (DisableLocalAuth, as Bicep deploys it), the
            // ingestion endpoint refuses telemetry that carries only the connection string's key: every
            // export must bear a token of an identity holding Monitoring Metrics Publisher. The exporter
            // asks the credential for the connection string's Entra audience.
            options.credential(credentials.apply(settings.entraClientId()));
        }
        AzureMonitorAutoConfigure.customize(builder, options);
        return builder.build().getOpenTelemetrySdk();
    }

    /**
     * The process's managed identity: the user-assigned one whose client id {@code
     * APPLICATIONINSIGHTS_AUTHENTICATION_STRING} names, else what {@code DefaultAzureCredential} finds
     * (the system-assigned identity, or {@code AZURE_CLIENT_ID}; a developer's login locally).
     */
    static TokenCredential entraCredential(String managedIdentityClientId) {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder();
        if (managedIdentityClientId != null) {
            builder.managedIdentityClientId(managedIdentityClientId);
        }
        return builder.build();
    }

    /** OTEL_EXPORTER_OTLP_ENDPOINT is the base URL: each signal has its path under it. */
    static String signalUrl(String base, String signal) {
        return (base.endsWith("/") ? base : base + "/") + "v1/" + signal;
    }
}
