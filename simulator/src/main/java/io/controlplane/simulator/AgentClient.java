package io.controlplane.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * A thin typed client of the agent API (docs/openapi.yaml), on the JDK's {@link HttpClient} and Jackson.
 *
 * <p>Every call sends {@code Authorization: Bearer <token>} with a token taken from the supplier at
 * call time, so a refreshing supplier keeps long-running agents authorised. A non-2xx answer throws
 * {@link ProblemException}; a 409 whose problem type ends {@code lease-lost} throws its subtype
 * {@link LeaseLostException}. A transport failure throws {@link UncheckedIOException} (an interrupt
 * too, with the thread's interrupt flag set again).
 *
 * <p>Lease writes carry the lease's fencing {@code epoch} in their JSON body. The agent API fences
 * writes by epoch; the body is the one place every write has, and a control plane that fences by
 * lease id alone (docs/openapi.yaml: a lease id names one epoch of a lease) ignores the extra field.
 *
 * <p>Thread-safe: one instance may serve an agent's poller, heartbeat and job threads at once.
 */
public final class AgentClient {

    /** The long poll waits at most 30 seconds (docs/openapi.yaml). */
    public static final int MAX_WAIT_SECONDS = 30;
    /** A throttle report's {@code retryAfterSeconds} is at most a day (docs/openapi.yaml). */
    public static final long MAX_RETRY_AFTER_SECONDS = 86_400;
    /** One mappings call carries at most 1,000 items (docs/openapi.yaml). */
    public static final int MAX_MAPPINGS_PER_CALL = 1000;
    /** How long a request may take beyond the server's long-poll wait before the client gives up. */
    static final Duration LONG_POLL_SLACK = Duration.ofSeconds(15);

    private static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final String USER_AGENT = "controlplane-simulator/0.1";

    private final HttpClient http;
    private final URI base;
    private final Supplier<String> token;
    private final Duration requestTimeout;
    private final ObjectMapper json = Jackson.MAPPER;

    /**
     * @param baseUri the control plane's root, e.g. {@code http://127.0.0.1:7071} (a trailing
     *                {@code /api} is accepted too)
     * @param token   supplies the bearer token for each call
     */
    public AgentClient(URI baseUri, Supplier<String> token) {
        this(HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build(), baseUri, token,
                DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param requestTimeout the timeout of every call except the long poll, whose timeout is its
     *                       wait plus {@link #LONG_POLL_SLACK} (never shorter than this)
     */
    public AgentClient(HttpClient http, URI baseUri, Supplier<String> token, Duration requestTimeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.base = root(Objects.requireNonNull(baseUri, "baseUri"));
        this.token = Objects.requireNonNull(token, "token");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    /** The control plane root this client calls (without {@code /api}). */
    public URI baseUri() {
        return base;
    }

    /** {@code PUT /api/agents/{agentId}}: registers the agent or updates what it offers. */
    public void register(String agentId, Registration registration) {
        ObjectNode body = json.createObjectNode()
                .put("region", registration.region())
                .put("pool", registration.pool());
        ArrayNode capabilities = body.putArray("capabilities");
        registration.capabilities().forEach(capabilities::add);
        body.put("slots", registration.slots());
        call("PUT", "/api/agents/" + segment(agentId), body, requestTimeout);
    }

    /**
     * {@code POST /api/agents/{agentId}/heartbeat}: tells the control plane the agent is alive and
     * which leases it still works on (body {@code { leases: [{ leaseId, epoch }] }}).
     *
     * @return the commands the control plane has for the agent, in the order given
     */
    public List<Command> heartbeat(String agentId, List<HeldLease> leases) {
        return heartbeat(agentId, leases, 0);
    }

    /**
     * {@code POST /api/agents/{agentId}/heartbeat?waitSeconds=N}: the same beat, answered when one
     * of the leases is to stop (a preemption, pause or cancel decided meanwhile) or the wait ends.
     *
     * @param waitSeconds 0..30 (0: answered at once)
     */
    public List<Command> heartbeat(String agentId, List<HeldLease> leases, int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("waitSeconds must be 0.." + MAX_WAIT_SECONDS + ", was " + waitSeconds);
        }
        ObjectNode body = json.createObjectNode();
        ArrayNode held = body.putArray("leases");
        for (HeldLease lease : leases) {
            held.addObject().put("leaseId", lease.leaseId()).put("epoch", lease.epoch());
        }
        Duration timeout = Duration.ofSeconds(waitSeconds).plus(LONG_POLL_SLACK);
        JsonNode answer = call("POST", "/api/agents/" + segment(agentId) + "/heartbeat"
                + (waitSeconds > 0 ? "?waitSeconds=" + waitSeconds : ""), body,
                timeout.compareTo(requestTimeout) < 0 ? requestTimeout : timeout);
        List<Command> commands = new ArrayList<>();
        for (JsonNode command : answer.path("commands")) {
            commands.add(Command.of(text(command, "type"), text(command, "leaseId"), instant(command, "deadline"),
                    backOff(command.path("backOff"))));
        }
        return List.copyOf(commands);
    }

    /**
     * {@code POST /api/agents/{agentId}/lease?waitSeconds=N}: long-polls for work.
     *
     * @param waitSeconds 0..30; the request's own timeout is longer, so an idle server's 204 arrives
     * @return the lease, or empty when nothing fitted within the wait (204)
     */
    public Optional<Lease> lease(String agentId, int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("waitSeconds must be 0.." + MAX_WAIT_SECONDS + ", was " + waitSeconds);
        }
        Duration timeout = Duration.ofSeconds(waitSeconds).plus(LONG_POLL_SLACK);
        if (timeout.compareTo(requestTimeout) < 0) {
            timeout = requestTimeout;
        }
        JsonNode answer = call("POST", "/api/agents/" + segment(agentId) + "/lease?waitSeconds=" + waitSeconds,
                null, timeout);
        if (answer.isMissingNode() || answer.isNull() || answer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(toLease(answer));
    }

    /** {@code POST /api/leases/{leaseId}/progress} with {@code { percent, counters, message, epoch }}. */
    public void progress(String leaseId, long epoch, ProgressReport report) {
        ObjectNode body = json.createObjectNode().put("percent", report.percent());
        ObjectNode counters = body.putObject("counters");
        report.counters().forEach(counters::put);
        if (report.message() != null) {
            body.put("message", report.message());
        }
        body.put("epoch", epoch);
        call("POST", leasePath(leaseId) + "/progress", body, requestTimeout);
    }

    /** {@code PUT /api/leases/{leaseId}/checkpoints/{name}} with {@code { kind: "cursor", data, epoch }}. */
    public void cursorCheckpoint(String leaseId, long epoch, String name, JsonNode data) {
        checkpoint(leaseId, epoch, name, CheckpointKind.CURSOR, Objects.requireNonNull(data, "data"));
    }

    /** {@code PUT /api/leases/{leaseId}/checkpoints/{name}} with {@code { kind: "git", data: { repo, ref, commit }, epoch }}. */
    public void gitCheckpoint(String leaseId, long epoch, String name, GitCommit commit) {
        ObjectNode data = json.createObjectNode()
                .put("repo", commit.repo()).put("ref", commit.ref()).put("commit", commit.commit());
        checkpoint(leaseId, epoch, name, CheckpointKind.GIT, data);
    }

    private void checkpoint(String leaseId, long epoch, String name, CheckpointKind kind, JsonNode data) {
        ObjectNode body = json.createObjectNode().put("kind", kind.wireName());
        body.set("data", data);
        body.put("epoch", epoch);
        call("PUT", leasePath(leaseId) + "/checkpoints/" + segment(name), body, requestTimeout);
    }

    /**
     * {@code POST /api/leases/{leaseId}/mappings} with {@code { items: [{ type, sourceId, targetId }], epoch }}.
     * Idempotent on the server, so a retry after a timeout is safe.
     *
     * @throws IllegalArgumentException for more than {@value #MAX_MAPPINGS_PER_CALL} items
     */
    public void mappings(String leaseId, long epoch, List<IdMapping> items) {
        if (items.size() > MAX_MAPPINGS_PER_CALL) {
            throw new IllegalArgumentException("at most " + MAX_MAPPINGS_PER_CALL + " mappings per call, got "
                    + items.size() + "; send them in chunks");
        }
        ObjectNode body = json.createObjectNode();
        ArrayNode array = body.putArray("items");
        for (IdMapping item : items) {
            array.addObject().put("type", item.type()).put("sourceId", item.sourceId()).put("targetId", item.targetId());
        }
        body.put("epoch", epoch);
        call("POST", leasePath(leaseId) + "/mappings", body, requestTimeout);
    }

    /**
     * {@code GET /api/leases/{leaseId}/mappings?type=&sourceId=}: the job's mappings, one page.
     * Null arguments are left out of the query.
     */
    public MappingPage findMappings(String leaseId, String type, String sourceId, String continuationToken) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        addQuery(query, "type", type);
        addQuery(query, "sourceId", sourceId);
        addQuery(query, "continuationToken", continuationToken);
        JsonNode answer = call("GET", leasePath(leaseId) + "/mappings" + query, null, requestTimeout);
        List<IdMapping> items = new ArrayList<>();
        for (JsonNode item : answer.path("items")) {
            items.add(new IdMapping(text(item, "type"), text(item, "sourceId"), text(item, "targetId")));
        }
        return new MappingPage(items, text(answer, "continuationToken"));
    }

    /**
     * {@code POST /api/leases/{leaseId}/throttle} with {@code { organisation, retryAfterSeconds, remaining }}:
     * an organisation the lease's job touches answered HTTP 429. The control plane starts no job
     * against it before the answer's {@code until}, lowers how many run against it at once, and tells
     * the other agents working against it to back off. The report carries no epoch: it is about the
     * organisation, not a write to the job.
     *
     * @param organisation      its key (see {@link Organisations}); a key the job does not touch is a 400
     * @param retryAfterSeconds its {@code Retry-After}, 0..86400 (0: it asked none but is near its limit)
     * @param remaining         its {@code X-RateLimit-Remaining}, at least 0; null when it sent none
     */
    public ThrottleOutcome throttle(String leaseId, String organisation, long retryAfterSeconds, Integer remaining) {
        Objects.requireNonNull(organisation, "organisation");
        if (retryAfterSeconds < 0 || retryAfterSeconds > MAX_RETRY_AFTER_SECONDS) {
            throw new IllegalArgumentException("retryAfterSeconds must be 0.." + MAX_RETRY_AFTER_SECONDS + ", was "
                    + retryAfterSeconds);
        }
        if (remaining != null && remaining < 0) {
            throw new IllegalArgumentException("remaining must be at least 0, was " + remaining);
        }
        ObjectNode body = json.createObjectNode().put("organisation", organisation)
                .put("retryAfterSeconds", retryAfterSeconds);
        if (remaining != null) {
            body.put("remaining", remaining);
        }
        JsonNode answer = call("POST", leasePath(leaseId) + "/throttle", body, requestTimeout);
        return new ThrottleOutcome(text(answer, "organisation"), instant(answer, "until"),
                integer(answer, "allowedJobs"), integer(answer, "remaining"));
    }

    /** {@code POST /api/leases/{leaseId}/release} with {@code { reason, epoch }}, after the final checkpoint. */
    public void release(String leaseId, long epoch, ReleaseReason reason) {
        ObjectNode body = json.createObjectNode().put("reason", reason.wireName()).put("epoch", epoch);
        call("POST", leasePath(leaseId) + "/release", body, requestTimeout);
    }

    /** {@code POST /api/leases/{leaseId}/complete} with {@code { epoch }}. */
    public void complete(String leaseId, long epoch) {
        call("POST", leasePath(leaseId) + "/complete", json.createObjectNode().put("epoch", epoch), requestTimeout);
    }

    /** {@code POST /api/leases/{leaseId}/fail} with {@code { error, retryable, epoch }}. */
    public void fail(String leaseId, long epoch, String error, boolean retryable) {
        ObjectNode body = json.createObjectNode().put("error", error).put("retryable", retryable).put("epoch", epoch);
        call("POST", leasePath(leaseId) + "/fail", body, requestTimeout);
    }

    private JsonNode call(String method, String pathAndQuery, JsonNode body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(timeout)
                .header("Authorization", "Bearer " + bearer())
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", USER_AGENT);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException(method + " " + pathOnly(pathAndQuery)
                    + " interrupted"));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + pathOnly(pathAndQuery) + " failed: " + e, e);
        }
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        if (status >= 200 && status < 300) {
            return status == 204 || text.isBlank() ? json.missingNode() : read(text, method, pathAndQuery);
        }
        throw problem(status, text);
    }

    private String bearer() {
        String value = token.get();
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the token supplier gave no token");
        }
        return value.trim();
    }

    private ProblemException problem(int status, String body) {
        String type = null;
        String title = null;
        String detail = null;
        try {
            JsonNode problem = json.readTree(body);
            if (problem != null && problem.isObject()) {
                type = text(problem, "type");
                title = text(problem, "title");
                detail = text(problem, "detail");
            }
        } catch (JsonProcessingException notJson) {
            // a proxy or a crashed host answered; keep the body as it is
        }
        if (LeaseLostException.isLeaseLost(status, type)) {
            return new LeaseLostException(status, type, title, detail, body);
        }
        return new ProblemException(status, type, title, detail, body);
    }

    private Lease toLease(JsonNode node) {
        List<Checkpoint> checkpoints = new ArrayList<>();
        JsonNode array = node.path("checkpoints");
        if (array.isObject()) {
            array = array.path("items"); // tolerate the job route's { items: [...] } shape
        }
        for (JsonNode c : array) {
            checkpoints.add(new Checkpoint(text(c, "name"), CheckpointKind.fromWire(text(c, "kind")), c.path("data"),
                    c.path("epoch").asLong(0), instant(c, "updatedAt")));
        }
        List<String> organisations = new ArrayList<>();
        node.path("organisations").forEach(o -> {
            if (o.isTextual()) {
                organisations.add(o.asText());
            }
        });
        return new Lease(text(node, "leaseId"), text(node, "jobId"), node.path("epoch").asLong(0),
                instant(node, "expiresAt"), node.path("spec"), organisations, checkpoints, node.path("resumed").asBoolean(false));
    }

    /** A command's {@code backOff}; null when absent or without the organisation and instant to act on. */
    private static Command.BackOff backOff(JsonNode node) {
        String organisation = text(node, "organisation");
        Instant until = instant(node, "until");
        if (!node.isObject() || organisation == null || until == null) {
            return null;
        }
        return new Command.BackOff(organisation, until, node.path("retryAfterSeconds").asLong(0));
    }

    private String write(JsonNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    private JsonNode read(String text, String method, String pathAndQuery) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(method + " " + pathOnly(pathAndQuery) + " answered non-JSON", e);
        }
    }

    private static String leasePath(String leaseId) {
        return "/api/leases/" + segment(leaseId);
    }

    private static void addQuery(StringJoiner query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }

    /** One path segment, percent-encoded so an id can never add a segment or a query. */
    static String segment(String value) {
        Objects.requireNonNull(value, "path segment");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a path segment must not be empty");
        }
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private static URI root(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("/api")) {
            text = text.substring(0, text.length() - "/api".length());
        }
        return URI.create(text + "/");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.canConvertToInt() ? null : value.asInt();
    }

    private static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
