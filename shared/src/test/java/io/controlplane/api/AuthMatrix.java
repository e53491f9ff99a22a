package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.domain.JobSpecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The authentication and authorisation matrix, defined once and run over every transport: the
 * in-memory api ({@code AuthMatrixTest}), the standalone host over HTTP and each Azure Function.
 * Every authenticated route × every kind of token that proves nothing (401), a token without the
 * route's role (403), and another tenant's caller (404 for a job, 409 lease-lost for a lease, 403
 * for an agent). Every answer carries the security headers, a refusal is a problem document of the
 * expected type, and no answer shows the scene's data that its request did not name.
 *
 * <p>A host test supplies a {@link Transport}, builds the {@link Scene} through it and checks each
 * of {@link #cases} with {@link #check}.
 */
public final class AuthMatrix {

    /** The agent of the scene, registered by a token of the agent operator's identity. */
    public static final String AGENT = "agent-1";
    /** The tenant whose job the scene holds. */
    public static final String OWNER = "contoso";
    /** The other tenant, which must learn nothing of the owner's job. */
    public static final String OTHER = "fabrikam";

    /** The headers HttpApi adds to every answer (a security review expects them on each). */
    public static final Map<String, String> SECURITY_HEADERS = Map.of(
            "X-Content-Type-Options", "nosniff",
            "Cache-Control", "no-store",
            "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'",
            "Referrer-Policy", "no-referrer");

    private static final String REGISTRATION = "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"]}";

    /**
     * Bodies the route would accept, so a caller's tenant or identity (not a validation error)
     * decides the answer. Routes not listed get {@code {}} (GETs: none).
     */
    private static final Map<String, String> VALID_BODIES = Map.of(
            "PUT /api/agents/{agentId}", REGISTRATION,
            "POST /api/leases/{leaseId}/progress", "{\"percent\":10}",
            "POST /api/leases/{leaseId}/fail", "{\"error\":\"boom\",\"retryable\":false}",
            "PUT /api/leases/{leaseId}/checkpoints/{name}", "{\"kind\":\"cursor\",\"data\":{\"at\":1}}",
            "POST /api/leases/{leaseId}/release", "{\"reason\":\"shutdown\"}",
            "POST /api/leases/{leaseId}/mappings", "{\"items\":[{\"type\":\"workitem\",\"sourceId\":\"1\",\"targetId\":\"2\"}]}",
            "PUT /api/admin/tenants/{tenantId}", "{\"tier\":\"Premium\",\"regions\":[\"westeurope\"],\"keyVaults\":[\"kv-contoso\"]}",
            "PUT /api/admin/organisations/{key}", "{\"maxConcurrentJobs\":2}",
            "POST /api/leases/{leaseId}/throttle", "{\"organisation\":\"dev.azure.com:contoso\",\"retryAfterSeconds\":1}");

    /** One key for "signed by someone else": RSA key generation is slow. */
    private static final DevIssuer STRANGER = DevIssuer.generate(DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);

    private AuthMatrix() {
    }

    /** What a host's transport answered. Header names are matched ignoring case. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public Answer {
            TreeMap<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            caseInsensitive.putAll(headers);
            headers = Collections.unmodifiableMap(caseInsensitive);
            body = body == null ? "" : body;
        }

        public String header(String name) {
            return headers.get(name);
        }

        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    /** Sends one request over a host's transport: {@code authorization} is the whole header value, or null for none. */
    @FunctionalInterface
    public interface Transport {
        Answer send(String method, String pathAndQuery, String authorization, String body);
    }

    /**
     * What the matrix runs against: the owner's job, leased by {@link #AGENT}, and a second queued
     * job. {@link #privateValues} are what no refusal may show a caller who did not name them.
     */
    public record Scene(DevIssuer issuer, String jobId, String queuedJobId, String leaseId, String jobName) {

        Map<String, String> pathParameters() {
            return Map.of("{jobId}", jobId, "{leaseId}", leaseId, "{agentId}", AGENT, "{tenantId}", OWNER, "{name}", "c",
                    "{key}", "dev.azure.com:contoso");
        }

        public List<String> privateValues() {
            return List.of(jobId, queuedJobId, leaseId, jobName, JobSpecs.SOURCE_CREDENTIAL);
        }
    }

    /** Registers the agent, submits two jobs of the owner and leases one, through {@code transport}. */
    public static Scene setUp(Transport transport, DevIssuer issuer) {
        String agent = bearer(issuer.token("provider", AGENT, List.of(Roles.AGENTS_RUN), Duration.ofHours(1)));
        String owner = bearer(issuer.token(OWNER, "user-of-" + OWNER,
                List.of(Roles.JOBS_SUBMIT, Roles.JOBS_READ, Roles.JOBS_MANAGE), Duration.ofHours(1)));
        expect(transport.send("PUT", "/api/agents/" + AGENT, agent, REGISTRATION), 200, "register the agent");
        Answer leased = transport.send("POST", "/api/jobs", owner, JobSpecs.API_EXAMPLE);
        expect(leased, 201, "submit a job");
        Answer queued = transport.send("POST", "/api/jobs", owner, JobSpecs.API_EXAMPLE);
        expect(queued, 201, "submit a second job");
        Answer lease = transport.send("POST", "/api/agents/" + AGENT + "/lease?waitSeconds=10", agent, null);
        expect(lease, 200, "lease a job");
        String leasedId = lease.json().path("jobId").asText();
        String queuedId = leasedId.equals(queued.json().path("id").asText())
                ? leased.json().path("id").asText() : queued.json().path("id").asText();
        return new Scene(issuer, leasedId, queuedId, lease.json().path("leaseId").asText(),
                leased.json().path("name").asText());
    }

    private static void expect(Answer answer, int status, String what) {
        assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(status);
    }

    /** One request of the matrix and the answer it must get. */
    public record Case(String kind, Route route, String path, String authorization, String body, int status, String problem) {

        /** {@code null} when the expected answer is not a problem document (another tenant's own listing). */
        public String problem() {
            return problem;
        }

        public String method() {
            return route.method();
        }

        @Override
        public String toString() {
            return key(route) + " with " + kind;
        }
    }

    /** Every case for the authenticated routes among {@code routes}. */
    public static List<Case> cases(List<Route> routes, Scene scene) {
        List<Route> secured = routes.stream().filter(Route::authenticated).toList();
        Map<String, String> refused = badAuthorizations(scene.issuer());
        List<Case> cases = new ArrayList<>();
        for (Route route : secured) {
            refused.forEach((kind, authorization) -> cases.add(new Case(kind, route, path(route, scene), authorization,
                    body(route), 401, ProblemType.UNAUTHENTICATED.slug())));
        }
        for (Route route : secured) {
            List<String> others = Roles.ALL.stream().filter(r -> !route.roles().contains(r)).toList();
            cases.add(new Case("no role of " + new TreeSet<>(route.roles()), route, path(route, scene),
                    bearer(scene.issuer().token(OWNER, AGENT, others, Duration.ofHours(1))), body(route),
                    403, ProblemType.FORBIDDEN.slug()));
        }
        // Every role, even the operator's: a tenant's routes are scoped by the token's tenant, not by role.
        String other = bearer(scene.issuer().token(OTHER, "mallory", Roles.ALL, Duration.ofHours(1)));
        for (Route route : secured) {
            String template = route.path().template();
            if (template.startsWith("/api/admin/")) {
                continue; // the operators' routes span tenants by design; their role is checked above
            }
            int status;
            String problem;
            if (template.startsWith("/api/jobs/{jobId}")) {
                status = 404; // indistinguishable from a job that does not exist
                problem = ProblemType.NOT_FOUND.slug();
            } else if (template.startsWith("/api/leases/{leaseId}")) {
                status = 409; // the same answer as for a revoked, expired or forged lease
                problem = ProblemType.LEASE_LOST.slug();
            } else if (template.startsWith("/api/agents/{agentId}")) {
                status = 403;
                problem = ProblemType.FORBIDDEN.slug();
            } else if (key(route).equals("GET /api/jobs")) {
                status = 200; // its own (empty) list
                problem = null;
            } else if (template.startsWith("/api/organisations")) {
                // Its own limits: listed and read (none), none to lift; "{}" sets none (a valid body would set its own).
                switch (route.method()) {
                    case "DELETE" -> {
                        status = 404;
                        problem = ProblemType.NOT_FOUND.slug();
                    }
                    case "PUT" -> {
                        status = 400;
                        problem = ProblemType.VALIDATION.slug();
                    }
                    default -> {
                        status = 200;
                        problem = null;
                    }
                }
            } else if (key(route).equals("GET /api/events")) {
                status = 200; // its own tenant's events (waitSeconds=0: what is kept, then the end): none of the owner's
                problem = null;
            } else if (key(route).equals("POST /api/jobs")) {
                status = 400; // "{}" is no job; a valid one would be the caller's own
                problem = ProblemType.VALIDATION.slug();
            } else {
                throw new IllegalStateException("AuthMatrix has no expectation for another tenant calling " + key(route)
                        + ": add one");
            }
            cases.add(new Case("another tenant", route, path(route, scene), other, body(route), status, problem));
        }
        return cases;
    }

    /** Each kind of Authorization header that proves nothing, by name (null: no header). */
    static Map<String, String> badAuthorizations(DevIssuer issuer) {
        Date future = Date.from(Instant.now().plusSeconds(3600));
        JWTClaimsSet good = new JWTClaimsSet.Builder().issuer(issuer.issuer()).audience(issuer.audience())
                .subject(AGENT).claim("tid", "provider").claim("azp", DevIssuer.CLIENT_ID).claim("roles", Roles.ALL)
                .expirationTime(future).build();
        Map<String, String> kinds = new LinkedHashMap<>();
        kinds.put("no token", null);
        kinds.put("expired", bearer(issuer.sign(new JWTClaimsSet.Builder(good)
                .expirationTime(Date.from(Instant.now().minusSeconds(600))).build())));
        kinds.put("not yet valid", bearer(issuer.sign(new JWTClaimsSet.Builder(good)
                .notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build())));
        kinds.put("wrong audience", bearer(issuer.sign(new JWTClaimsSet.Builder(good).audience("api://other").build())));
        kinds.put("wrong issuer", bearer(issuer.sign(new JWTClaimsSet.Builder(good).issuer("https://evil.example").build())));
        kinds.put("no expiry", bearer(issuer.sign(new JWTClaimsSet.Builder(good).expirationTime(null).build())));
        kinds.put("no tenant", bearer(issuer.sign(new JWTClaimsSet.Builder(good).claim("tid", null).build())));
        kinds.put("bad signature", bearer(STRANGER.sign(good)));
        kinds.put("alg none", bearer(new PlainJWT(good).serialize()));
        kinds.put("HMAC instead of RSA", bearer(hmac(good)));
        kinds.put("garbage", bearer("not-a-jwt"));
        kinds.put("Bearer without a token", "Bearer ");
        kinds.put("Basic credentials", "Basic " + Base64.getEncoder()
                .encodeToString((AGENT + ":hunter2-basic-password").getBytes(StandardCharsets.UTF_8)));
        return kinds;
    }

    private static String hmac(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner("0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    /** An event stream (asked to end at once, so a transport that reads to the end is not held). */
    private static boolean isEventStream(Route route) {
        return route.path().template().endsWith("/events");
    }

    /** {@code GET /api/jobs/{jobId}}: how routes are named across hosts. */
    public static String key(Route route) {
        return route.method() + " " + route.path().template();
    }

    /** The keys of the authenticated routes. */
    public static Set<String> securedKeys(List<Route> routes) {
        return routes.stream().filter(Route::authenticated).map(AuthMatrix::key).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String path(Route route, Scene scene) {
        String path = route.path().template() + (isEventStream(route) ? "?waitSeconds=0" : "");
        for (var p : scene.pathParameters().entrySet()) {
            path = path.replace(p.getKey(), p.getValue());
        }
        return path;
    }

    private static String body(Route route) {
        return route.method().equals("GET") ? null : VALID_BODIES.getOrDefault(key(route), "{}");
    }

    /** Sends the case over {@code transport} and checks the answer. */
    public static Answer run(Case c, Transport transport, Scene scene) {
        Answer answer = transport.send(c.method(), c.path(), c.authorization(), c.body());
        check(c, answer, scene);
        return answer;
    }

    /** Status, problem type, security headers, and nothing the request did not name. */
    public static void check(Case c, Answer answer, Scene scene) {
        String what = c + " -> " + answer.status() + " " + answer.headers() + " " + answer.body();
        assertThat(answer.status()).as(what).isEqualTo(c.status());
        SECURITY_HEADERS.forEach((name, value) -> assertThat(answer.header(name)).as(name + " of " + what).isEqualTo(value));
        assertThat(answer.header("x-request-id")).as("x-request-id of " + what).matches("[A-Za-z0-9._-]{1,128}");
        if (c.problem() != null) {
            assertThat(answer.header("Content-Type")).as("Content-Type of " + what).isEqualTo("application/problem+json");
            JsonNode problem = answer.json();
            assertThat(problem.path("type").asText()).as(what).isEqualTo(ProblemType.URI_PREFIX + c.problem());
            assertThat(problem.path("status").asInt()).as(what).isEqualTo(c.status());
        } else {
            assertThat(answer.header("Content-Type")).as("Content-Type of " + what)
                    .isEqualTo(isEventStream(c.route()) ? "text/event-stream" : "application/json");
        }
        if (c.status() == 401) {
            assertThat(answer.header("WWW-Authenticate")).as(what).startsWith("Bearer ");
        }
        for (String value : scene.privateValues()) {
            if (!c.path().contains(value)) {
                assertThat(answer.body()).as("the answer to " + c + " shows " + value).doesNotContain(value);
            }
        }
        for (String credential : credentialsIn(c.authorization())) {
            assertThat(answer.body()).as("the answer to " + c + " echoes its credential").doesNotContain(credential);
        }
    }

    /** An Azure DevOps PAT-shaped path segment: the api logs paths, and must mask it. */
    public static final String PAT_IN_PATH = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";

    /**
     * Sends every matrix case, every raw-secret spec (each a 400) and a PAT-shaped path (404) over
     * {@code transport}, as a client of {@link #OWNER}; returns every credential and secret sent, none
     * of which may reach a log.
     */
    public static List<String> sendCredentialsAndSecrets(Transport transport, List<Case> cases, Scene scene) {
        List<String> sent = new java.util.ArrayList<>();
        for (Case c : cases) {
            transport.send(c.method(), c.path(), c.authorization(), c.body());
            sent.addAll(credentialsIn(c.authorization()));
        }
        String client = "Bearer " + scene.issuer().token(OWNER, "user-of-contoso",
                List.of("Jobs.Submit", "Jobs.Read"), java.time.Duration.ofMinutes(5));
        sent.addAll(credentialsIn(client));
        io.controlplane.validation.JobSpecValidatorTest.rawSecrets().forEach(secret -> {
            org.assertj.core.api.Assertions.assertThat(transport.send("POST", "/api/jobs", client, secret.specJson()).status())
                    .as(secret.toString()).isEqualTo(400);
            sent.add(secret.secret());
        });
        org.assertj.core.api.Assertions.assertThat(transport.send("GET", "/api/jobs/" + PAT_IN_PATH, client, null).status())
                .isEqualTo(404);
        sent.add(PAT_IN_PATH);
        return sent;
    }

    /**
     * What no answer or log may show of an Authorization header value: the credential after the
     * scheme, and a JWT's signature on its own (each when long enough to be told apart from text).
     */
    public static List<String> credentialsIn(String authorization) {
        if (authorization == null) {
            return List.of();
        }
        String credential = authorization.replaceFirst("^\\S+\\s*", "");
        List<String> parts = new ArrayList<>();
        if (credential.length() >= 16) {
            parts.add(credential);
        }
        String signature = credential.substring(credential.lastIndexOf('.') + 1);
        if (signature.length() >= 16 && !signature.equals(credential)) {
            parts.add(signature);
        }
        return parts;
    }
}
