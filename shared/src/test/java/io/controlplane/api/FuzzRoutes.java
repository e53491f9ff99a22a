package io.controlplane.api;

import static io.controlplane.api.FuzzInputs.bodyFor;
import static io.controlplane.api.FuzzInputs.leaseId;
import static io.controlplane.api.FuzzInputs.pathId;
import static io.controlplane.api.FuzzInputs.query;

import io.controlplane.api.FuzzInputs.Body;
import io.controlplane.api.FuzzInputs.Plan;
import io.controlplane.domain.JobSpecs;
import io.controlplane.ports.MappingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Hostile requests per route of {@link HttpApi#routes()}: every route with a body, a path parameter
 * or query parameters, grouped as the fuzz properties run them (jobs, agents, leases, admin), and
 * transport-level mischief on any route (wrong methods and paths, any body anywhere).
 */
public final class FuzzRoutes {

    private FuzzRoutes() {
    }

    static final String CANCEL = "{\"reason\":\"wrong target project\"}";
    static final String HEARTBEAT = "{\"leases\":[{\"leaseId\":\"" + FuzzScene.LEASE + "\"}]}";
    static final String PROGRESS = "{\"percent\":42.5,\"counters\":{\"workItems\":1200,\"revisions\":5400},\"message\":\"stage 2 of 3\"}";
    static final String CURSOR = "{\"kind\":\"cursor\",\"data\":{\"position\":123,\"page\":\"abc\"}}";
    static final String GIT = "{\"kind\":\"git\",\"data\":{\"repo\":\"https://dev.azure.com/fabrikam/Beta/_git/app\","
            + "\"ref\":\"refs/heads/main\",\"commit\":\"0123456789abcdef0123456789abcdef01234567\"}}";
    static final String MAPPINGS = "{\"items\":[{\"type\":\"WorkItem\",\"sourceId\":\"3\",\"targetId\":\"103\"},"
            + "{\"type\":\"Repository\",\"sourceId\":\"alpha\",\"targetId\":\"beta\"}]}";
    static final String RELEASE = "{\"reason\":\"preempted\"}";
    static final String FAIL = "{\"error\":\"the target project is read-only\",\"retryable\":true}";
    static final String ENTITLEMENT = "{\"tier\":\"Premium\",\"regions\":[\"westeurope\",\"northeurope\"],"
            + "\"dedicatedPool\":\"contoso-pool\",\"maxConcurrentJobs\":10,\"keyVaults\":[\"kv-contoso\"],\"envPools\":[\"contoso-pool\"]}";

    static final String ORGANISATION_LIMIT = "{\"maxConcurrentJobs\":2}";

    /** A valid body per route that takes one ("{}" for the rest). */
    static final Map<String, String> VALID_BODIES = Map.ofEntries(
            Map.entry("POST /api/jobs", JobSpecs.API_EXAMPLE),
            Map.entry("POST /api/jobs/{jobId}/cancel", CANCEL),
            Map.entry("PUT /api/agents/{agentId}", FuzzScene.REGISTRATION),
            Map.entry("POST /api/agents/{agentId}/heartbeat", HEARTBEAT),
            Map.entry("POST /api/leases/{leaseId}/progress", PROGRESS),
            Map.entry("PUT /api/leases/{leaseId}/checkpoints/{name}", CURSOR),
            Map.entry("POST /api/leases/{leaseId}/mappings", MAPPINGS),
            Map.entry("POST /api/leases/{leaseId}/release", RELEASE),
            Map.entry("POST /api/leases/{leaseId}/fail", FAIL),
            Map.entry("PUT /api/admin/tenants/{tenantId}", ENTITLEMENT),
            Map.entry("PUT /api/admin/organisations/{key}", ORGANISATION_LIMIT));

    /**
     * Routes whose success changes the scene so much (job or lease gone, agent moved, tenant erased)
     * that the next request should get a fresh one.
     */
    public static final Set<String> SCENE_CHANGING = Set.of("POST /api/jobs/{jobId}/cancel", "POST /api/jobs/{jobId}/pause",
            "POST /api/jobs/{jobId}/resume", "DELETE /api/jobs/{jobId}", "PUT /api/agents/{agentId}",
            "POST /api/agents/{agentId}/lease", "POST /api/leases/{leaseId}/complete", "POST /api/leases/{leaseId}/fail",
            "POST /api/leases/{leaseId}/release", "POST /api/admin/agents/{agentId}/drain",
            "DELETE /api/admin/tenants/{tenantId}");

    private static final Map<String, List<String>> JOB_LIST_QUERY = Map.of("limit", List.of("1", "50", "500"),
            "state", List.of("Queued", "Running", "Assigned"), "tier", List.of("Premium", "Standard"),
            "region", List.of("westeurope", "northeurope"), "continuationToken", List.of(""));
    private static final Map<String, List<String>> MAPPING_QUERY = Map.of("type", List.of("WorkItem", "Repository"),
            "sourceId", List.of("1", "3"), "targetId", List.of("101", "103"), "limit", List.of("1", "100"),
            "continuationToken", List.of(""));

    /** A route's plans: the path parameters (in template order), query, body, credentials and extra headers combined. */
    static Arbitrary<Plan> route(String key, List<Arbitrary<String>> params, Arbitrary<String> query, Arbitrary<Body> body) {
        String method = key.substring(0, key.indexOf(' '));
        String template = key.substring(key.indexOf(' ') + 1);
        Arbitrary<List<String>> values = params.isEmpty() ? Arbitraries.just(List.of()) : Combinators.combine(params).as(l -> l);
        return Combinators.combine(values, query, body, FuzzInputs.auth(), FuzzInputs.extraHeaders())
                .as((v, q, b, auth, headers) -> new Plan(key, method, fillTemplate(template, v), q, auth, headers, b));
    }

    private static String fillTemplate(String template, List<String> values) {
        StringBuilder path = new StringBuilder();
        int next = 0;
        for (String segment : template.substring(1).split("/", -1)) {
            path.append('/').append(segment.startsWith("{") ? values.get(next++) : segment);
        }
        return path.toString();
    }

    private static Arbitrary<String> noQuery() {
        return Arbitraries.just((String) null);
    }

    private static Arbitrary<Body> noBody() {
        return Arbitraries.just((Body) null);
    }

    /** Mostly no body (the route reads none, or an optional one), sometimes any bad one. */
    private static Arbitrary<Body> optionalBody(String valid, int maxBodyBytes) {
        return Arbitraries.frequencyOf(Tuple.of(2, noBody()), Tuple.of(3, bodyFor(valid, maxBodyBytes)));
    }

    private static Arbitrary<String> jobId() {
        return pathId(FuzzScene.JOB, FuzzScene.QUEUED_JOB, FuzzScene.OTHER_TENANTS_JOB);
    }

    // ---------------------------------------------------------------- per property

    /** POST /api/jobs: the example spec of docs/openapi.yaml corrupted, malformed bodies, Idempotency-Key headers. */
    public static Arbitrary<Plan> submissions(int maxBodyBytes) {
        Arbitrary<Plan> plain = route("POST /api/jobs", List.of(), noQuery(), bodyFor(JobSpecs.API_EXAMPLE, maxBodyBytes));
        Arbitrary<String> keys = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.of("k-1", "k-2", "a:b.c_d-e", "x".repeat(128),
                        "x".repeat(129), "", "key with spaces", "k/1", "k\u0000", "\u00e9")),
                Tuple.of(1, FuzzInputs.nastyText()));
        return Arbitraries.frequencyOf(Tuple.of(6, plain),
                Tuple.of(1, Combinators.combine(plain, keys).as((p, k) -> p.withHeaders(Map.of("Idempotency-Key", k)))));
    }

    /** The job routes with a path id, the job list's query, and the job mappings' query. */
    public static Arbitrary<Plan> jobRoutes(int maxBodyBytes) {
        return Arbitraries.frequencyOf(
                Tuple.of(3, route("GET /api/jobs", List.of(), query(JOB_LIST_QUERY), optionalBody("{}", maxBodyBytes))),
                Tuple.of(2, route("GET /api/jobs/{jobId}", List.of(jobId()), query(JOB_LIST_QUERY), noBody())),
                Tuple.of(1, route("GET /api/jobs/{jobId}/history", List.of(jobId()), noQuery(), noBody())),
                Tuple.of(1, route("GET /api/jobs/{jobId}/checkpoints", List.of(jobId()), noQuery(), noBody())),
                Tuple.of(3, route("GET /api/jobs/{jobId}/mappings", List.of(jobId()), query(MAPPING_QUERY), noBody())),
                Tuple.of(2, route("DELETE /api/jobs/{jobId}", List.of(jobId()), noQuery(), optionalBody("{}", maxBodyBytes))),
                Tuple.of(3, route("POST /api/jobs/{jobId}/cancel", List.of(jobId()), noQuery(), optionalBody(CANCEL, maxBodyBytes))),
                Tuple.of(1, route("POST /api/jobs/{jobId}/pause", List.of(jobId()), noQuery(), optionalBody("{}", maxBodyBytes))),
                Tuple.of(1, route("POST /api/jobs/{jobId}/resume", List.of(jobId()), noQuery(), optionalBody("{}", maxBodyBytes))));
    }

    /** The agent routes: register, heartbeat, lease (waitSeconds). */
    public static Arbitrary<Plan> agentRoutes(int maxBodyBytes) {
        Arbitrary<String> agentId = pathId(FuzzScene.AGENT);
        return Arbitraries.frequencyOf(
                Tuple.of(4, route("PUT /api/agents/{agentId}", List.of(agentId), noQuery(), bodyFor(FuzzScene.REGISTRATION, maxBodyBytes))),
                Tuple.of(3, route("POST /api/agents/{agentId}/heartbeat", List.of(agentId), noQuery(),
                        optionalBody(HEARTBEAT, maxBodyBytes))),
                Tuple.of(3, route("POST /api/agents/{agentId}/lease", List.of(agentId), query(Map.of("waitSeconds", List.of("0"))),
                        optionalBody("{}", maxBodyBytes)).filter(FuzzRoutes::waitsNoLongerThanAMoment)));
    }

    /**
     * A valid wait of 1 to 30 s would hold the suite up for nothing (the long poll is no input
     * problem); 0, out-of-range and unparsable values are what is fuzzed.
     */
    static boolean waitsNoLongerThanAMoment(Plan plan) {
        if (plan.query() == null) {
            return true;
        }
        String wait = ApiRequest.parseQuery(plan.query()).getOrDefault("waitSeconds", List.of("0")).get(0);
        try {
            int seconds = Integer.parseInt(wait);
            return seconds <= 0 || seconds > io.controlplane.app.LeaseWork.MAX_WAIT_SECONDS;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The lease routes: progress, checkpoints, mappings (batches beyond 1,000 too), release, complete, fail. */
    public static Arbitrary<Plan> leaseRoutes(int maxBodyBytes) {
        Arbitrary<String> name = Arbitraries.frequencyOf(Tuple.of(3, pathId("cursor", "git-state")),
                Tuple.of(1, Arbitraries.of("a".repeat(128), "a".repeat(129), ".hidden", "-x", "_x", "c", "Cursor.1", "x..y")));
        return Arbitraries.frequencyOf(
                Tuple.of(4, route("POST /api/leases/{leaseId}/progress", List.of(leaseId()), noQuery(), bodyFor(PROGRESS, maxBodyBytes))),
                Tuple.of(2, route("POST /api/leases/{leaseId}/complete", List.of(leaseId()), noQuery(), optionalBody("{}", maxBodyBytes))),
                Tuple.of(3, route("POST /api/leases/{leaseId}/fail", List.of(leaseId()), noQuery(), bodyFor(FAIL, maxBodyBytes))),
                Tuple.of(3, route("POST /api/leases/{leaseId}/release", List.of(leaseId()), noQuery(), bodyFor(RELEASE, maxBodyBytes))),
                Tuple.of(5, route("PUT /api/leases/{leaseId}/checkpoints/{name}", List.of(leaseId(), name), noQuery(),
                        Arbitraries.oneOf(bodyFor(CURSOR, maxBodyBytes), bodyFor(GIT, maxBodyBytes)))),
                Tuple.of(4, route("POST /api/leases/{leaseId}/mappings", List.of(leaseId()), noQuery(),
                        Arbitraries.frequencyOf(Tuple.of(3, bodyFor(MAPPINGS, maxBodyBytes)), Tuple.of(1, mappingBatch())))),
                Tuple.of(3, route("GET /api/leases/{leaseId}/mappings", List.of(leaseId()), query(MAPPING_QUERY), noBody())));
    }

    /** Mapping batches of 0 to 5,000 items (the limit is 1,000), one item perhaps corrupted. */
    static Arbitrary<Body> mappingBatch() {
        return Combinators.combine(Arbitraries.of(0, 1, 999, 1000, 1001, 1500, 5000), Arbitraries.integers().between(0, 4999),
                FuzzInputs.badJsonValue(), Arbitraries.of(true, false)).as((n, at, bad, corrupt) -> {
            StringBuilder items = new StringBuilder("{\"items\":[");
            for (int i = 0; i < n; i++) {
                items.append(i == 0 ? "" : ",");
                if (corrupt && i == at % Math.max(1, n)) {
                    items.append(bad);
                } else {
                    items.append("{\"type\":\"WorkItem\",\"sourceId\":\"s").append(i).append("\",\"targetId\":\"t").append(i).append("\"}");
                }
            }
            return Body.json(items.append("]}").toString(), n + " mappings" + (corrupt ? ", item " + at % Math.max(1, n) + " bad" : ""));
        });
    }

    /** The operators' routes: tenant entitlement, export, erase, and agent drain. */
    public static Arbitrary<Plan> adminRoutes(int maxBodyBytes) {
        Arbitrary<String> tenantId = pathId(FuzzScene.TENANT, FuzzScene.OTHER_TENANT);
        return Arbitraries.frequencyOf(
                Tuple.of(5, route("PUT /api/admin/tenants/{tenantId}", List.of(tenantId), noQuery(), bodyFor(ENTITLEMENT, maxBodyBytes))),
                Tuple.of(2, route("GET /api/admin/tenants/{tenantId}", List.of(tenantId), noQuery(), noBody())),
                Tuple.of(2, route("GET /api/admin/tenants/{tenantId}/export", List.of(tenantId), noQuery(), noBody())),
                Tuple.of(2, route("DELETE /api/admin/tenants/{tenantId}", List.of(tenantId), noQuery(), optionalBody("{}", maxBodyBytes))),
                Tuple.of(2, route("POST /api/admin/agents/{agentId}/drain", List.of(pathId(FuzzScene.AGENT)), noQuery(),
                        optionalBody("{}", maxBodyBytes))),
                Tuple.of(2, route("PUT /api/admin/organisations/{key}", List.of(paramOf("{key}")), noQuery(),
                        bodyFor(ORGANISATION_LIMIT, maxBodyBytes))),
                Tuple.of(1, route("GET /api/admin/organisations/{key}", List.of(paramOf("{key}")), noQuery(), noBody())),
                Tuple.of(1, route("DELETE /api/admin/organisations/{key}", List.of(paramOf("{key}")), noQuery(), noBody())),
                Tuple.of(1, route("GET /api/admin/organisations", List.of(), noQuery(), noBody())),
                Tuple.of(1, route("GET /api/admin/agents", List.of(), query(JOB_LIST_QUERY), noBody())),
                Tuple.of(1, route("GET /api/admin/queues", List.of(), query(JOB_LIST_QUERY), noBody())));
    }

    /** Any route of {@code routes}, with a wrong method, a bent path, any bad body, any credentials. */
    public static Arbitrary<Plan> anyRoute(List<Route> routes, int maxBodyBytes) {
        List<Arbitrary<Plan>> each = new ArrayList<>();
        for (Route r : routes) {
            String key = r.method() + " " + r.path().template();
            List<Arbitrary<String>> params = new ArrayList<>();
            for (String segment : r.path().template().split("/")) {
                if (segment.startsWith("{")) {
                    params.add(paramOf(segment));
                }
            }
            String valid = VALID_BODIES.getOrDefault(key, "{}");
            Arbitrary<Body> body = Arbitraries.frequencyOf(Tuple.of(1, noBody()), Tuple.of(2, FuzzInputs.malformed(valid, maxBodyBytes)),
                    Tuple.of(1, FuzzInputs.oversized(valid, maxBodyBytes)),
                    Tuple.of(1, Combinators.combine(Arbitraries.just(Body.json(valid, "valid")), FuzzInputs.badContentType())
                            .as(Body::withContentType)));
            each.add(route(key, params, query(JOB_LIST_QUERY), body));
        }
        Arbitrary<Plan> any = Arbitraries.oneOf(each);
        Arbitrary<String> methods = Arbitraries.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "FOO", "get",
                "Post", "M-SEARCH");
        Arbitrary<String> bend = Arbitraries.of("trailing slash", "double slash", "extra segment", "upper case", "no /api",
                "dot segment", "encoded slash", "no leading slash", "semicolon", "nothing");
        return Arbitraries.frequencyOf(
                Tuple.of(3, any),
                Tuple.of(2, Combinators.combine(any, methods).as((p, m) -> new Plan(p.route(), m, p.path(), p.query(), p.auth(),
                        p.headers(), p.body()))),
                Tuple.of(2, Combinators.combine(any, bend).as(FuzzRoutes::bent)),
                Tuple.of(1, Combinators.combine(any, FuzzInputs.nastyText()).as((p, junk) -> new Plan(p.route(), p.method(),
                        "/api/" + junk, p.query(), p.auth(), p.headers(), p.body()))));
    }

    private static Arbitrary<String> paramOf(String segment) {
        return switch (segment) {
            case "{jobId}" -> jobId();
            case "{leaseId}" -> leaseId();
            case "{agentId}" -> pathId(FuzzScene.AGENT);
            case "{tenantId}" -> pathId(FuzzScene.TENANT, FuzzScene.OTHER_TENANT);
            case "{name}" -> pathId("cursor");
            case "{key}" -> pathId("dev.azure.com:contoso", "github.com:fabrikam");
            default -> throw new IllegalStateException("FuzzRoutes knows no path parameter " + segment + ": add a generator");
        };
    }

    private static Plan bent(Plan p, String how) {
        String path = p.path();
        String bentPath = switch (how) {
            case "trailing slash" -> path + "/";
            case "double slash" -> path.replaceFirst("/api/", "/api//");
            case "extra segment" -> path + "/extra";
            case "upper case" -> path.toUpperCase(java.util.Locale.ROOT);
            case "no /api" -> path.substring(4);
            case "dot segment" -> path.replaceFirst("/api/", "/api/./");
            case "encoded slash" -> path.replaceFirst("/api/", "/api%2F");
            case "no leading slash" -> path.substring(1);
            case "semicolon" -> path + ";jsessionid=1";
            default -> path;
        };
        return new Plan(p.route(), p.method(), bentPath, p.query(), p.auth(), p.headers(), p.body());
    }

    /** Every plan kind at once, weighted as the in-memory suite weighs them: for the smaller sample over HTTP. */
    public static Arbitrary<Plan> all(List<Route> routes, int maxBodyBytes) {
        return Arbitraries.frequencyOf(Tuple.of(5, submissions(maxBodyBytes)), Tuple.of(4, jobRoutes(maxBodyBytes)),
                Tuple.of(3, agentRoutes(maxBodyBytes)), Tuple.of(5, leaseRoutes(maxBodyBytes)), Tuple.of(2, adminRoutes(maxBodyBytes)),
                Tuple.of(2, anyRoute(routes, maxBodyBytes)));
    }

    /** The route keys every fuzz run must cover: each authenticated route (all have a path, body or query to abuse). */
    public static Set<String> routesToCover(List<Route> routes) {
        Set<String> keys = new java.util.TreeSet<>();
        routes.stream().filter(Route::authenticated).forEach(r -> keys.add(r.method() + " " + r.path().template()));
        return keys;
    }
}
