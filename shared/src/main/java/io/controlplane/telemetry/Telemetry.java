package io.controlplane.telemetry;

import io.controlplane.domain.Job;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.time.Clock;

/**
 * What the control plane reports through: a tracer, its instruments and the propagator that reads
 * an incoming {@code traceparent}. Built once per process from an {@link OpenTelemetry} (the SDK
 * {@link TelemetrySetup} builds from settings, an in-memory SDK in tests, or the no-op default)
 * and handed to the use cases and the API; nothing reads a global.
 */
public final class Telemetry {

    /** The instrumentation scope of every span and instrument. */
    public static final String SCOPE = "io.controlplane";

    private static final Telemetry NOOP = new Telemetry(OpenTelemetry.noop(), Clock.systemUTC(), false);

    private final OpenTelemetry openTelemetry;
    private final Tracer tracer;
    private final ControlPlaneMetrics metrics;
    private final boolean enabled;

    private Telemetry(OpenTelemetry openTelemetry, Clock clock, boolean enabled) {
        this.openTelemetry = openTelemetry;
        this.tracer = openTelemetry.getTracer(SCOPE);
        this.metrics = new ControlPlaneMetrics(openTelemetry.getMeter(SCOPE), clock);
        this.enabled = enabled;
    }

    /** Records nothing; the default wherever no telemetry is given. */
    public static Telemetry noop() {
        return NOOP;
    }

    /** @param clock the control plane's clock (queue ages are measured with it) */
    public static Telemetry of(OpenTelemetry openTelemetry, Clock clock) {
        return openTelemetry == OpenTelemetry.noop() ? NOOP : new Telemetry(openTelemetry, clock, true);
    }

    /** False for the no-op telemetry: work done only to feed instruments (a queue scan) can be skipped. */
    public boolean enabled() {
        return enabled;
    }

    public OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    public Tracer tracer() {
        return tracer;
    }

    public ControlPlaneMetrics metrics() {
        return metrics;
    }

    public TextMapPropagator propagator() {
        return openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** Starts a span under the current one and makes it current (trace ids in the log MDC meanwhile). */
    public TracedSpan start(String name, Attributes attributes) {
        return start(name, SpanKind.INTERNAL, Context.current(), attributes);
    }

    public TracedSpan start(String name, SpanKind kind, Context parent, Attributes attributes) {
        return new TracedSpan(tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).setAllAttributes(attributes).startSpan());
    }

    /**
     * Starts a span under the current one without making it current: for work that moves between
     * threads (a parked long poll). Make it current with {@link #resume}; end it when the work is done.
     */
    public Span startDetached(String name, SpanKind kind, Context parent, Attributes attributes) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent).setAllAttributes(attributes).startSpan();
    }

    /** Makes a detached span current on this thread (trace ids in the MDC) until closed; closing does not end it. */
    public TracedSpan resume(Span span) {
        return new TracedSpan(span, false);
    }

    /** Runs {@code work} in a span of its own; an exception marks the span failed and goes on. */
    public <T, E extends Exception> T inSpan(String name, Attributes attributes, SpanWork<T, E> work) throws E {
        try (TracedSpan span = start(name, attributes)) {
            try {
                return work.run(span);
            } catch (Exception | Error e) {
                span.fail(e);
                throw e;
            }
        }
    }

    /** Work done inside a span, which it may annotate. */
    @FunctionalInterface
    public interface SpanWork<T, E extends Exception> {
        T run(TracedSpan span) throws E;
    }

    /**
     * Puts the job's id, tenant, tier, region and agent on the current span (the request's, when a
     * route acts on a job), so a request can be found by the job it touched.
     */
    public void describe(Job job) {
        describe(Span.current(), job);
    }

    /** As {@link #describe(Job)}, on a given span (work that finished on another thread). */
    public void describe(Span span, Job job) {
        if (enabled && job != null) {
            span.setAllAttributes(TelemetryAttributes.job(job));
        }
    }
}
