package io.controlplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.api.auth.TokenValidator;
import io.controlplane.app.Caller;
import io.controlplane.app.UseCases;
import io.controlplane.telemetry.LogValues;
import io.controlplane.telemetry.Telemetry;
import io.controlplane.telemetry.TelemetryAttributes;
import io.controlplane.telemetry.TracedSpan;
import io.controlplane.validation.JobSpecValidator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport-neutral HTTP API both hosts serve: request id, trace span, body limit, route match,
 * authentication, role check, handler, and the one place where exceptions become problems.
 */
public final class HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Route> routes;
    private final BearerAuthorization authorization;
    private final Responses responses;
    private final FailureProblems failures;
    private final int maxBodyBytes;
    private final Telemetry telemetry;

    HttpApi(List<Route> routes, TokenValidator tokens, Responses responses, int maxBodyBytes, Telemetry telemetry) {
        this.routes = List.copyOf(routes);
        this.authorization = new BearerAuthorization(tokens);
        this.responses = responses;
        this.failures = new FailureProblems(responses);
        this.maxBodyBytes = maxBodyBytes;
        this.telemetry = telemetry;
    }

    /** What the API is built from: the use cases, the token validator, the readiness checks, telemetry. */
    public record Dependencies(
            UseCases app,
            JobSpecValidator validator,
            TokenValidator tokens,
            Map<String, ReadinessCheck> readiness,
            ObjectMapper json,
            int maxBodyBytes,
            Clock clock,
            Telemetry telemetry) {

        /** Without telemetry: requests are not traced or measured. */
        public Dependencies(UseCases app, JobSpecValidator validator,
                            TokenValidator tokens, Map<String, ReadinessCheck> readiness,
                            ObjectMapper json, int maxBodyBytes, Clock clock) {
            this(app, validator, tokens, readiness, json, maxBodyBytes, clock, Telemetry.noop());
        }
    }

    public static HttpApi create(Dependencies d) {
        Responses responses = new Responses(d.json());
        RequestBodies bodies = new RequestBodies(d.json());
        List<Route> routes = new ArrayList<>();
        routes.addAll(new HealthRoutes(d.readiness(), responses).routes());
        routes.addAll(new JobRoutes(d.app(), d.validator(), bodies, responses).routes());
        routes.addAll(new AgentRoutes(d.app(), bodies, responses).routes());
        routes.addAll(new MappingRoutes(d.app(), bodies, responses).routes());
        routes.addAll(new AdminRoutes(d.app(), bodies, responses, d.clock()).routes());
        routes.addAll(new OrganisationRoutes(d.app(), bodies, responses).routes());
        routes.addAll(new EventRoutes(d.app(), d.json(), responses).routes());
        return new HttpApi(routes, d.tokens(), responses, d.maxBodyBytes(), d.telemetry());
    }

    /**
     * The route table alone (method, path, roles), without live dependencies: for the OpenAPI and
     * Functions binding checks. Its handlers must not be called.
     */
    public static List<Route> describeRoutes() {
        return create(new Dependencies(null, null, null, Map.of(), Json.mapper(), 1, Clock.systemUTC())).routes();
    }

    public List<Route> routes() {
        return routes;
    }

    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** A request whose body the host already holds, answered on this thread (a long poll waits here). */
    public ApiResponse handle(ApiRequest request) {
        return handleAsync(request).join();
    }

    /** A request whose body the host already holds; a long poll completes later. */
    public CompletableFuture<ApiResponse> handleAsync(ApiRequest request) {
        return handleAsync(request, RequestBody.of(request.body()));
    }

    /**
     * A request as a streaming host has it: the head ({@code head.body()} is ignored) and a body
     * read only once the route matched and the caller was authenticated. The future never fails:
     * every failure becomes a problem answer.
     */
    public CompletableFuture<ApiResponse> handleAsync(ApiRequest head, RequestBody body) {
        long started = System.nanoTime();
        String path = stripQuery(head.path());
        String method = KNOWN_METHODS.contains(head.method()) ? head.method() : "_OTHER";
        Context parent = telemetry.propagator().extract(Context.root(), head, HEADERS);
        Exchange exchange = new Exchange();
        // A SERVER span per request, continuing the caller's trace; named by the route template once
        // matched. It is current while this thread works on the request and ends with the answer.
        Span span = telemetry.startDetached(method.equals("_OTHER") ? "HTTP" : method, SpanKind.SERVER, parent, Attributes.of(
                TelemetryAttributes.HTTP_REQUEST_METHOD, method, TelemetryAttributes.URL_PATH, loggable(path)));
        telemetry.metrics().httpActive(method, 1);
        String requestId;
        CompletableFuture<ApiResponse> answer;
        try (TracedSpan current = telemetry.resume(span)) {
            if (!method.equals(head.method())) {
                current.set(TelemetryAttributes.HTTP_REQUEST_METHOD_ORIGINAL, loggable(head.method()));
            }
            requestId = requestId(head, span.getSpanContext());
            try {
                answer = dispatch(head, body, exchange, span);
            } catch (RuntimeException | Error e) {
                answer = CompletableFuture.failedFuture(e);
            }
        }
        String id = requestId;
        return answer.handle((response, failure) -> {
            try (TracedSpan current = telemetry.resume(span)) {
                ApiResponse answered = response;
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    answered = failures.toProblem(cause instanceof RuntimeException r ? r : new IllegalStateException(cause), head, id);
                    if (answered.status() >= 500) {
                        span.recordException(cause);
                    }
                }
                current.set(TelemetryAttributes.HTTP_RESPONSE_STATUS_CODE, (long) answered.status());
                if (answered.status() >= 500) {
                    current.set(TelemetryAttributes.ERROR_TYPE, Integer.toString(answered.status()));
                    span.setStatus(StatusCode.ERROR);
                }
                LOG.info("event=request method={} path={} status={} durationMs={} tenant={} requestId={}",
                        LogValues.sanitise(head.method()), loggable(path), answered.status(),
                        (System.nanoTime() - started) / 1_000_000, exchange.caller == null ? "-" : exchange.caller.tenantId(), id);
                telemetry.metrics().httpRequest(method, exchange.route == null ? null : exchange.route.path().template(),
                        answered.status(), Duration.ofNanos(System.nanoTime() - started));
                return secure(answered).withHeader("x-request-id", id);
            } finally {
                span.end();
                telemetry.metrics().httpActive(method, -1);
            }
        });
    }

    /**
     * The answer to a request the host's HTTP server refused before it reached the API (a broken
     * request target or header, headers too large, a body that did not arrive in time): the same
     * problem catalogue, never the server's own error page. Malformed requests are the client's
     * fault, so an HTTP status the catalogue does not know becomes 400, never a 5xx.
     */
    public ApiResponse transportProblem(int status, String detail, String path) {
        ProblemType type = switch (status) {
            case 404 -> ProblemType.ROUTE_NOT_FOUND;
            case 405 -> ProblemType.METHOD_NOT_ALLOWED;
            case 408 -> ProblemType.REQUEST_TIMEOUT;
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 414 -> ProblemType.URI_TOO_LONG;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case 431 -> ProblemType.HEADERS_TOO_LARGE;
            case 503 -> ProblemType.NOT_READY;
            case 500 -> ProblemType.INTERNAL;
            default -> ProblemType.BAD_REQUEST;
        };
        String instance = path == null || path.isEmpty() ? null : loggable(stripQuery(path));
        String text = detail == null || detail.isBlank() ? type.title() + "." : printable(detail);
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String requestId = HexFormat.of().formatHex(random);
        LOG.info("event=request_refused status={} problem={} detail={} path={} requestId={}", type.status(), type.slug(), text,
                instance, requestId);
        return secure(responses.problem(type, text, instance, List.of(), Map.of())).withHeader("x-request-id", requestId);
    }

    /** The methods HTTP semantic conventions name; any other is reported as {@code _OTHER}. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE",
            "CONNECT", "OPTIONS", "TRACE", "PATCH");

    /** Reads trace context headers (traceparent, tracestate) from a request. */
    private static final TextMapGetter<ApiRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public String get(ApiRequest request, String key) {
            return request == null ? null : request.header(key);
        }
    };

    /** What matching and authentication found out about a request, for its span, metric and log line. */
    private static final class Exchange {
        private Caller caller;
        private Route route;
    }

    /** Text from the transport (a parser's message): bounded, without control characters. */
    private static String printable(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 200 ? clean : clean.substring(0, 200) + "...";
    }

    /** Paths are logged bounded and without control characters (no log injection). */
    static String loggable(String path) {
        String clean = path.replaceAll("[\\p{Cntrl}\\s]", "?");
        return clean.length() <= 200 ? clean : clean.substring(0, 200) + "...";
    }

    private CompletableFuture<ApiResponse> dispatch(ApiRequest request, RequestBody body, Exchange exchange, Span span) {
        String path = stripQuery(request.path());
        TreeSet<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Optional<Map<String, String>> params = route.path().match(path);
            if (params.isEmpty()) {
                continue;
            }
            if (!route.method().equals(request.method())) {
                allowed.add(route.method());
                continue;
            }
            exchange.route = route;
            span.updateName(route.method() + " " + route.path().template());
            span.setAttribute(TelemetryAttributes.HTTP_ROUTE, route.path().template());
            setIfPresent(span, TelemetryAttributes.JOB_ID, params.get().get("jobId"));
            setIfPresent(span, TelemetryAttributes.AGENT_ID, params.get().get("agentId"));
            // Authenticated before the body is read: a caller without a token never makes the host read one.
            Caller caller = route.authenticated() ? authorization.authorize(route, request) : null;
            exchange.caller = caller;
            if (caller != null) {
                span.setAttribute(TelemetryAttributes.CALLER_TENANT_ID, caller.tenantId());
            }
            return body.read(maxBodyBytes).thenCompose(bytes -> {
                ApiRequest whole = new ApiRequest(request.method(), request.path(), request.query(), request.headers(), bytes);
                // The body may have arrived on another thread: the request's span is current there too.
                try (TracedSpan ignored = telemetry.resume(span)) {
                    return route.handler().handle(whole, caller, params.get());
                }
            });
        }
        if (!allowed.isEmpty()) {
            throw new ApiException(ProblemType.METHOD_NOT_ALLOWED, request.method() + " is not allowed here; use "
                    + String.join(", ", allowed) + ".", List.of(), Map.of("Allow", String.join(", ", allowed)));
        }
        throw new ApiException(ProblemType.ROUTE_NOT_FOUND, "No route matches " + request.method() + " " + path + ".");
    }

    private static void setIfPresent(Span span, AttributeKey<String> key, String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
    }

    /** When a client over its quota of unfinished jobs may try again: jobs run for minutes to hours. */
    static final int QUOTA_RETRY_AFTER_SECONDS = 60;

    /** Headers a security review expects on every response. */
    private static ApiResponse secure(ApiResponse response) {
        Map<String, String> headers = new LinkedHashMap<>(response.headers());
        headers.putIfAbsent("X-Content-Type-Options", "nosniff");
        headers.putIfAbsent("Cache-Control", "no-store");
        headers.putIfAbsent("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        headers.putIfAbsent("Referrer-Policy", "no-referrer");
        // Browsers ignore it over plain HTTP; behind TLS (every Azure deployment) it pins HTTPS.
        headers.putIfAbsent("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        return response.withHeaders(headers);
    }

    /**
     * The caller's own x-request-id when valid, else the trace id of its traceparent, else the trace
     * id of the request's span (so logs and traces share it), else a random id.
     */
    private static String requestId(ApiRequest request, SpanContext span) {
        String given = request.header("x-request-id");
        if (given != null && SAFE_REQUEST_ID.matcher(given).matches()) {
            return given;
        }
        String traceparent = request.header("traceparent");
        if (traceparent != null) {
            var m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches()) {
                return m.group(1);
            }
        }
        if (span.isValid()) {
            return span.getTraceId();
        }
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String stripQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
