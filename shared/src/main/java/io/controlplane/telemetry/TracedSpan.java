package io.controlplane.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import org.slf4j.MDC;

/**
 * A started span made current on this thread, with its trace and span ids in the SLF4J MDC
 * ({@code trace_id}, {@code span_id}) so every log line written meanwhile carries them. Closing it
 * restores the MDC and the previous current span, then ends the span: use it in try-with-resources
 * on the thread that started it.
 */
public final class TracedSpan implements AutoCloseable {

    public static final String MDC_TRACE_ID = "trace_id";
    public static final String MDC_SPAN_ID = "span_id";

    private final Span span;
    private final Scope scope;
    private final boolean logged;
    private final String previousTraceId;
    private final String previousSpanId;
    private final boolean endOnClose;

    TracedSpan(Span span) {
        this(span, true);
    }

    /** @param endOnClose false for a span that lives on after this thread is done with it (async work) */
    TracedSpan(Span span, boolean endOnClose) {
        this.span = span;
        this.endOnClose = endOnClose;
        this.scope = span.makeCurrent();
        SpanContext context = span.getSpanContext();
        this.logged = context.isValid();
        this.previousTraceId = logged ? MDC.get(MDC_TRACE_ID) : null;
        this.previousSpanId = logged ? MDC.get(MDC_SPAN_ID) : null;
        if (logged) {
            MDC.put(MDC_TRACE_ID, context.getTraceId());
            MDC.put(MDC_SPAN_ID, context.getSpanId());
        }
    }

    public Span span() {
        return span;
    }

    public <T> TracedSpan set(AttributeKey<T> key, T value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
        return this;
    }

    public TracedSpan setAll(Attributes attributes) {
        span.setAllAttributes(attributes);
        return this;
    }

    /** Marks the span failed with the exception (its class as {@code error.type}). */
    public void fail(Throwable e) {
        span.recordException(e);
        span.setAttribute(TelemetryAttributes.ERROR_TYPE, e.getClass().getName());
        span.setStatus(StatusCode.ERROR);
    }

    @Override
    public void close() {
        try {
            if (logged) {
                restore(MDC_TRACE_ID, previousTraceId);
                restore(MDC_SPAN_ID, previousSpanId);
            }
            scope.close();
        } finally {
            if (endOnClose) {
                span.end();
            }
        }
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
