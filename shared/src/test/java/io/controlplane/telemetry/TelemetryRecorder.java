package io.controlplane.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** An OpenTelemetry SDK whose spans and metrics stay in memory, and the lookups tests assert with. */
public final class TelemetryRecorder implements AutoCloseable {

    public final InMemorySpanExporter spans = InMemorySpanExporter.create();
    public final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    public final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    public Telemetry telemetry(Clock clock) {
        return Telemetry.of(sdk, clock);
    }

    public List<SpanData> spans() {
        return spans.getFinishedSpanItems();
    }

    public List<SpanData> spansNamed(String name) {
        return spans().stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** The one finished span of that name whose attribute has that value. */
    public <T> SpanData span(String name, AttributeKey<T> key, T value) {
        List<SpanData> found = spansNamed(name).stream().filter(s -> value.equals(s.getAttributes().get(key))).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one span " + name + " with " + key + "=" + value + ", found " + found.size()
                    + " among " + spans().stream().map(SpanData::getName).toList());
        }
        return found.get(0);
    }

    /** The spans whose parent is {@code parent}. */
    public List<SpanData> children(SpanData parent) {
        return spans().stream().filter(s -> s.getParentSpanId().equals(parent.getSpanId())
                && s.getTraceId().equals(parent.getTraceId())).toList();
    }

    /** Every metric collected now, by name. */
    public Map<String, MetricData> collect() {
        Collection<MetricData> all = metrics.collectAllMetrics();
        return all.stream().collect(java.util.stream.Collectors.toMap(MetricData::getName, m -> m));
    }

    /** A counter's value for exactly these attributes (0 when it has no such point). */
    public static long sum(Map<String, MetricData> metrics, String name, Attributes attributes) {
        return Optional.ofNullable(metrics.get(name)).stream()
                .flatMap(m -> m.getLongSumData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(LongPointData::getValue).sum();
    }

    /** A counter's total over all attributes. */
    public static long total(Map<String, MetricData> metrics, String name) {
        return Optional.ofNullable(metrics.get(name)).stream()
                .flatMap(m -> m.getLongSumData().getPoints().stream()).mapToLong(LongPointData::getValue).sum();
    }

    /** A histogram's points, filtered by one attribute's value (null: all). */
    public static <T> List<HistogramPointData> histogram(Map<String, MetricData> metrics, String name, AttributeKey<T> key, T value) {
        return Optional.ofNullable(metrics.get(name)).stream()
                .flatMap(m -> m.getHistogramData().getPoints().stream())
                .filter(p -> key == null || value.equals(p.getAttributes().get(key)))
                .toList();
    }

    /** A gauge's points (long or double). */
    public static Stream<PointData> gauge(Map<String, MetricData> metrics, String name) {
        MetricData m = metrics.get(name);
        if (m == null) {
            return Stream.empty();
        }
        return switch (m.getType()) {
            case LONG_GAUGE -> m.getLongGaugeData().getPoints().stream().map(p -> p);
            case DOUBLE_GAUGE -> m.getDoubleGaugeData().getPoints().stream().map(p -> p);
            default -> throw new AssertionError(name + " is no gauge but " + m.getType());
        };
    }

    @Override
    public void close() {
        sdk.close();
    }
}
