package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.LeaseIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the fuzz suite runs against, set up through the api itself: a registered agent holding a
 * lease on one job (with a checkpoint, mappings and progress), a second job queued, another
 * tenant with an entitlement and a job of its own. Fills a plan's placeholders with these ids and
 * credentials, and checks each answer: 2xx, or a 4xx problem document, never anything else.
 */
public final class FuzzScene {

    public static final String JOB = "{{job}}";
    public static final String QUEUED_JOB = "{{queuedJob}}";
    public static final String OTHER_TENANTS_JOB = "{{otherTenantsJob}}";
    public static final String LEASE = "{{lease}}";
    public static final String LEASE_FORGED = "{{leaseForged}}";
    public static final String LEASE_NEXT_EPOCH = "{{leaseNextEpoch}}";
    public static final String LEASE_OTHER_TENANT = "{{leaseOtherTenant}}";
    public static final String LEASE_OF_QUEUED_JOB = "{{leaseOfQueuedJob}}";
    public static final String AGENT = "{{agent}}";
    public static final String TENANT = "{{tenant}}";
    public static final String OTHER_TENANT = "{{otherTenant}}";

    public static final String OWNER = "contoso";
    public static final String OTHER = "fabrikam";

    /** The route's proper caller: the owner for job routes, the agent for agent and lease routes, an operator for admin ones. */
    public static final String AUTH_OK = "ok";
    /** Callers other than the proper one; see {@link #authorization}. */
    public static final List<String> AUTH_KINDS = List.of("client", "agent", "admin", "reader only", "submitter only",
            "other tenant", "other agent", "tenant id not key-safe", "agent id not key-safe", "huge token",
            "lower-case scheme", "no token", "expired", "not yet valid", "wrong audience", "wrong issuer", "no expiry",
            "no tenant", "bad signature", "alg none", "HMAC instead of RSA", "garbage", "Bearer without a token",
            "Basic credentials");

    public static final String REGISTRATION =
            "{\"region\":\"westeurope\",\"pool\":\"shared\",\"capabilities\":[\"azure-devops\",\"git\"],\"slots\":1}";

    /** A host's transport: raw path and query, headers as given (null values: none), body bytes. */
    @FunctionalInterface
    public interface Transport {
        Answer send(String method, String pathAndQuery, Map<String, String> headers, byte[] body);
    }

    /** An answer; header names are case-insensitive. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public Answer {
            TreeMap<String, String> ci = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            ci.putAll(headers);
            headers = Collections.unmodifiableMap(ci);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + FuzzInputs.show(text(), 500), e);
            }
        }
    }

    private final Transport transport;
    private final DevIssuer issuer;
    private final String agentId;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final Map<String, String> ids = new LinkedHashMap<>();

    private FuzzScene(Transport transport, DevIssuer issuer, String agentId) {
        this.transport = transport;
        this.issuer = issuer;
        this.agentId = agentId;
    }

    /** Sets a scene up through {@code transport}; {@code agentId} lets one host hold several scenes. */
    public static FuzzScene setUp(Transport transport, DevIssuer issuer, String agentId) {
        FuzzScene scene = new FuzzScene(transport, issuer, agentId);
        scene.build();
        return scene;
    }

    private void build() {
        tokens.putAll(TOKENS.computeIfAbsent(List.of(issuer, agentId), k -> tokens(issuer, agentId)));
        String client = tokens.get("client");
        String agent = tokens.get("agent");
        String admin = tokens.get("admin");
        String other = tokens.get("other tenant");
        // Entitlements and mappings are (re)set so that a scene also sets up on a host an earlier one used.
        for (String tenant : List.of(OWNER, OTHER)) {
            expect(send("PUT", "/api/admin/tenants/" + tenant, admin, "{\"tier\":\"Platinum\",\"regions\":[\"westeurope\","
                    + "\"northeurope\"],\"maxConcurrentJobs\":100000,\"keyVaults\":[\"kv-contoso\"]}"), 200, "entitle " + tenant);
        }
        expect(send("PUT", "/api/agents/" + agentId, agent, REGISTRATION), 200, "register the agent");
        String first = expect(send("POST", "/api/jobs", client, JobSpecs.API_EXAMPLE), 201, "submit a job").path("id").asText();
        String second = expect(send("POST", "/api/jobs", client, JobSpecs.API_EXAMPLE), 201, "submit a second job").path("id").asText();
        JsonNode lease = expect(send("POST", "/api/agents/" + agentId + "/lease?waitSeconds=10", agent, null), 200, "lease a job");
        String leased = lease.path("jobId").asText();
        String leaseId = lease.path("leaseId").asText();
        String queued = leased.equals(second) ? first : second; // on a host used before, an older queued job may be leased
        String others = expect(send("POST", "/api/jobs", other, JobSpecs.API_EXAMPLE), 201, "submit the other tenant's job")
                .path("id").asText();
        expect(send("PUT", "/api/leases/" + leaseId + "/checkpoints/cursor", agent, "{\"kind\":\"cursor\",\"data\":{\"position\":42}}"),
                200, "save a checkpoint");
        expect(send("POST", "/api/leases/" + leaseId + "/mappings", agent,
                "{\"items\":[{\"type\":\"WorkItem\",\"sourceId\":\"" + agentId + "-1\",\"targetId\":\"" + agentId + "-101\"},"
                        + "{\"type\":\"WorkItem\",\"sourceId\":\"" + agentId + "-2\",\"targetId\":\"" + agentId + "-102\"}]}"),
                200, "record mappings");
        expect(send("POST", "/api/leases/" + leaseId + "/progress", agent, "{\"percent\":10,\"counters\":{\"workItems\":2}}"),
                200, "report progress");
        long epoch = lease.path("epoch").asLong();
        ids.put(JOB, leased);
        ids.put(QUEUED_JOB, queued);
        ids.put(OTHER_TENANTS_JOB, others);
        ids.put(LEASE, leaseId);
        ids.put(LEASE_FORGED, LeaseIds.newLeaseId(OWNER, leased, epoch));
        ids.put(LEASE_NEXT_EPOCH, LeaseIds.newLeaseId(OWNER, leased, epoch + 1));
        ids.put(LEASE_OTHER_TENANT, LeaseIds.newLeaseId(OTHER, others, epoch));
        ids.put(LEASE_OF_QUEUED_JOB, LeaseIds.newLeaseId(OWNER, queued, epoch));
        ids.put(AGENT, agentId);
        ids.put(TENANT, OWNER);
        ids.put(OTHER_TENANT, OTHER);
    }

    /** Signing is the slow part of a scene: its tokens, valid for an hour, are made once per issuer and agent. */
    private static final Map<List<Object>, Map<String, String>> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<String, String> tokens(DevIssuer issuer, String agentId) {
        Duration ttl = Duration.ofHours(1);
        List<String> client = List.of(Roles.JOBS_SUBMIT, Roles.JOBS_READ, Roles.JOBS_MANAGE);
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("client", bearer(issuer.token(OWNER, "user-of-" + OWNER, client, ttl)));
        tokens.put("agent", bearer(issuer.token("provider", agentId, List.of(Roles.AGENTS_RUN), ttl)));
        tokens.put("admin", bearer(issuer.token("operators", "operator-1", List.of(Roles.ADMIN), ttl)));
        tokens.put("reader only", bearer(issuer.token(OWNER, "reader", List.of(Roles.JOBS_READ), ttl)));
        tokens.put("submitter only", bearer(issuer.token(OWNER, "submitter", List.of(Roles.JOBS_SUBMIT), ttl)));
        tokens.put("other tenant", bearer(issuer.token(OTHER, "user-of-" + OTHER, client, ttl)));
        tokens.put("other agent", bearer(issuer.token("provider", agentId + "-other", List.of(Roles.AGENTS_RUN), ttl)));
        tokens.put("tenant id not key-safe", bearer(issuer.token("contoso/../x", "u", Roles.ALL, ttl)));
        tokens.put("agent id not key-safe", bearer(issuer.token("provider", "agent/1#x", List.of(Roles.AGENTS_RUN), ttl)));
        tokens.put("huge token", "Bearer " + "e".repeat(20_000));
        tokens.put("lower-case scheme", "bearer " + tokens.get("client").substring(7));
        tokens.putAll(AuthMatrix.badAuthorizations(issuer));
        return tokens;
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private Answer send(String method, String pathAndQuery, String authorization, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", authorization);
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return transport.send(method, pathAndQuery, headers, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode expect(Answer answer, int status, String what) {
        assertThat(answer.status()).as("setting the fuzz scene up: " + what + ": " + answer.text()).isEqualTo(status);
        return answer.json();
    }

    /**
     * Cancels this scene's queued jobs (best effort), so that the next scene on the same host leases
     * its own job rather than an old one.
     */
    public void retire() {
        send("POST", "/api/jobs/" + ids.get(QUEUED_JOB) + "/cancel", tokens.get("client"), null);
        send("POST", "/api/jobs/" + ids.get(OTHER_TENANTS_JOB) + "/cancel", tokens.get("other tenant"), null);
    }

    /** The job the agent leased. */
    public String jobId() {
        return ids.get(JOB);
    }

    /** The Authorization header value of a caller kind ({@link #AUTH_OK}: the route's proper caller), or null. */
    public String authorization(String kind, String route) {
        if (!kind.equals(AUTH_OK)) {
            if (!tokens.containsKey(kind)) {
                throw new IllegalArgumentException("no caller kind " + kind);
            }
            return tokens.get(kind);
        }
        String path = route.substring(route.indexOf(' ') + 1);
        if (path.startsWith("/api/admin/")) {
            return tokens.get("admin");
        }
        if (path.startsWith("/api/agents/") || path.startsWith("/api/leases/")) {
            return tokens.get("agent");
        }
        return tokens.get("client");
    }

    /** {@code text} with this scene's placeholders filled in. */
    public String fill(String text) {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        String filled = text;
        for (Map.Entry<String, String> id : ids.entrySet()) {
            filled = filled.replace(id.getKey(), id.getValue());
        }
        return filled;
    }

    /** Fills placeholders in bytes that need not be UTF-8 (ISO-8859-1 maps every byte to one char and back). */
    private byte[] fill(byte[] body) {
        String latin = new String(body, StandardCharsets.ISO_8859_1);
        return latin.contains("{{") ? fill(latin).getBytes(StandardCharsets.ISO_8859_1) : body;
    }

    /** Sends the plan with its placeholders filled in. */
    public Answer send(FuzzInputs.Plan plan) {
        Map<String, String> headers = new LinkedHashMap<>();
        plan.headers().forEach((name, value) -> headers.put(name, fill(value)));
        headers.put("Authorization", authorization(plan.auth(), plan.route()));
        byte[] body = new byte[0];
        if (plan.body() != null) {
            body = fill(plan.body().bytes());
            headers.put("Content-Type", plan.body().contentType());
        }
        String query = fill(plan.query());
        return transport.send(plan.method(), fill(plan.path()) + (query == null ? "" : "?" + query), headers, body);
    }

    /** What a request that was accepted stored must read back without error: everything the scene's callers can read. */
    private static final List<String[]> READ_BACK = List.of(
            new String[] {"admin", "/api/admin/tenants/" + OWNER + "/export"},
            new String[] {"admin", "/api/admin/tenants/" + OTHER + "/export"},
            new String[] {"admin", "/api/admin/agents"},
            new String[] {"admin", "/api/admin/queues"},
            new String[] {"client", "/api/jobs?limit=500"},
            new String[] {"other tenant", "/api/jobs?limit=500"});

    /**
     * Reads back everything after {@code plan} was accepted: a value it stored that cannot be shown
     * (say, text a response cannot encode) would fail every later read, a 5xx the plan caused.
     */
    public void readBack(FuzzInputs.Plan plan) {
        for (String[] read : READ_BACK) {
            Answer answer = send("GET", read[1], tokens.get(read[0]), null);
            assertThat(answer.status()).as("GET " + read[1] + " after " + plan + " was accepted: " + FuzzInputs.show(answer.text(), 500))
                    .isEqualTo(200);
        }
    }

    /**
     * Checks an answer: a 2xx (accepted: true), or a 4xx RFC 9457 problem document (false), with
     * {@code errors} when it is about validation; anything else fails with the plan.
     */
    public static boolean accepted(FuzzInputs.Plan plan, Answer answer) {
        String what = plan + "\n  -> " + answer.status() + " " + FuzzInputs.show(answer.text(), 1000);
        assertThat(answer.status()).as("status of " + what).isLessThan(500);
        if (answer.status() >= 200 && answer.status() < 300) {
            return true;
        }
        assertThat(answer.status()).as("status of " + what).isBetween(400, 499);
        assertThat(answer.headers().get("Content-Type")).as("Content-Type of " + what).isEqualTo("application/problem+json");
        assertThat(answer.headers().get("x-request-id")).as("x-request-id of " + what).isNotBlank();
        if (plan.method().equals("HEAD") && answer.body().length == 0) {
            return false; // a HEAD answer has no body over HTTP
        }
        JsonNode problem;
        try {
            problem = Json.mapper().readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError("not a JSON problem document: " + what, e);
        }
        assertThat(problem.isObject()).as("a problem object: " + what).isTrue();
        assertThat(problem.path("type").isTextual() && problem.path("type").asText().startsWith(ProblemType.URI_PREFIX))
                .as("type of " + what).isTrue();
        assertThat(problem.path("title").isTextual() && !problem.path("title").asText().isBlank()).as("title of " + what).isTrue();
        assertThat(problem.path("status").isInt() && problem.path("status").asInt() == answer.status()).as("status field of " + what)
                .isTrue();
        assertThat(problem.path("detail").isTextual()).as("detail of " + what).isTrue();
        if (problem.path("type").asText().equals(ProblemType.VALIDATION.uri())) {
            JsonNode errors = problem.path("errors");
            assertThat(errors.isArray() && !errors.isEmpty()).as("errors of " + what).isTrue();
            errors.forEach(e -> assertThat(e.path("field").isTextual() && e.path("message").isTextual())
                    .as("an entry of errors of " + what).isTrue());
        }
        return false;
    }
}
