package io.controlplane.simulator;

import static io.controlplane.simulator.AgentJson.instant;
import static io.controlplane.simulator.AgentJson.integer;
import static io.controlplane.simulator.AgentJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * <p>The calls themselves are sent by {@code AgentHttp}, and their answers read by {@code AgentJson}.
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

    private final AgentHttp http;
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
        this.http = new AgentHttp(http, baseUri, token);
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
    }

    /** The control plane root this client calls (without {@code /api}). */
    public URI baseUri() {
        return http.base();
    }

    /** {@code PUT /api/agents/{agentId}}: registers the agent or updates what it offers. */
    public void register(String agentId, Registration registration) {
        ObjectNode body = json.createObjectNode()
                .put("region", registration.region())
                .put("pool", registration.pool());
        ArrayNode capabilities = body.putArray("capabilities");
        registration.capabilities().forEach(capabilities::add);
        body.put("slots", registration.slots());
        http.call("PUT", "/api/agents/" + segment(agentId), body, requestTimeout);
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
        JsonNode answer = http.call("POST", "/api/agents/" + segment(agentId) + "/heartbeat"
                + (waitSeconds > 0 ? "?waitSeconds=" + waitSeconds : ""), body,
                timeout.compareTo(requestTimeout) < 0 ? requestTimeout : timeout);
        List<Command> commands = new ArrayList<>();
        for (JsonNode command : answer.path("commands")) {
            commands.add(Command.of(text(command, "type"), text(command, "leaseId"), instant(command, "deadline"),
                    AgentJson.backOff(command.path("backOff"))));
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
        JsonNode answer = http.call("POST", "/api/agents/" + segment(agentId) + "/lease?waitSeconds=" + waitSeconds,
                null, timeout);
        if (answer.isMissingNode() || answer.isNull() || answer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(AgentJson.lease(answer));
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
        http.call("POST", leasePath(leaseId) + "/progress", body, requestTimeout);
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
        http.call("PUT", leasePath(leaseId) + "/checkpoints/" + segment(name), body, requestTimeout);
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
        http.call("POST", leasePath(leaseId) + "/mappings", body, requestTimeout);
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
        JsonNode answer = http.call("GET", leasePath(leaseId) + "/mappings" + query, null, requestTimeout);
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
        JsonNode answer = http.call("POST", leasePath(leaseId) + "/throttle", body, requestTimeout);
        return new ThrottleOutcome(text(answer, "organisation"), instant(answer, "until"),
                integer(answer, "allowedJobs"), integer(answer, "remaining"));
    }

    /** {@code POST /api/leases/{leaseId}/release} with {@code { reason, epoch }}, after the final checkpoint. */
    public void release(String leaseId, long epoch, ReleaseReason reason) {
        ObjectNode body = json.createObjectNode().put("reason", reason.wireName()).put("epoch", epoch);
        http.call("POST", leasePath(leaseId) + "/release", body, requestTimeout);
    }

    /** {@code POST /api/leases/{leaseId}/complete} with {@code { epoch }}. */
    public void complete(String leaseId, long epoch) {
        http.call("POST", leasePath(leaseId) + "/complete", json.createObjectNode().put("epoch", epoch), requestTimeout);
    }

    /** {@code POST /api/leases/{leaseId}/fail} with {@code { error, retryable, epoch }}. */
    public void fail(String leaseId, long epoch, String error, boolean retryable) {
        ObjectNode body = json.createObjectNode().put("error", error).put("retryable", retryable).put("epoch", epoch);
        http.call("POST", leasePath(leaseId) + "/fail", body, requestTimeout);
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
}
