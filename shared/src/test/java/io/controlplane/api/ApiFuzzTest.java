package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.FuzzInputs.Plan;
import io.controlplane.config.DispatchSettings;
import io.controlplane.telemetry.Telemetry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * The fuzz suite on the in-memory api: malformed, mistyped, oversized and key-unsafe input at every
 * route that has a body, a path parameter or a query (see {@link FuzzRoutes}). Every answer must
 * be a 2xx or a 4xx problem document, never a 5xx nor an exception; and a refused request (4xx)
 * must leave every store exactly as it was. Seeds are fixed, so a run is reproducible; jqwik
 * prints the seed and the failing request when a property fails. (Edge cases are off: they are
 * the first alternative of each choice, over and over; the generators name their edge values.)
 */
class ApiFuzzTest {

    /** The in-memory part of the suite sends at least this many fuzzed requests. */
    static final int MIN_REQUESTS = 10_000;

    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static final AtomicInteger ACCEPTED = new AtomicInteger();
    private static final Set<String> ROUTES_FUZZED = ConcurrentHashMap.newKeySet();
    /** Answers by route, status and problem type: shows how deep the inputs got (printed at the end). */
    private static final Map<String, AtomicInteger> OUTCOMES = new ConcurrentHashMap<>();
    private static final Set<String> PROPERTIES_RUN = ConcurrentHashMap.newKeySet();
    /** Each property (by method name) and its tries: each try sends one request, so their sum is the suite's count. */
    private static final Map<String, Integer> TRIES = java.util.Arrays.stream(ApiFuzzTest.class.getDeclaredMethods())
            .filter(m -> m.isAnnotationPresent(Property.class))
            .collect(java.util.stream.Collectors.toMap(java.lang.reflect.Method::getName, m -> m.getAnnotation(Property.class).tries()));

    private static final int MAX_BODY_BYTES = 64 * 1024;
    /**
     * Leases outlive a property, so lease routes get past the lease check; progress reports are
     * written at once (not coalesced and flushed later, which would change the stores during a
     * later, refused request).
     */
    private static final DispatchSettings DISPATCH = DispatchSettings.from(Map.of(DispatchSettings.LEASE_SECONDS, "3600",
            DispatchSettings.PROGRESS_MIN_INTERVAL_MS, "0"));

    private ApiFixture fixture;
    private FuzzScene scene;
    private boolean sceneChanged = true;

    private FuzzScene scene() {
        if (sceneChanged) {
            if (fixture != null) {
                fixture.app.close();
            }
            fixture = new ApiFixture(Telemetry.noop(), DISPATCH);
            scene = FuzzScene.setUp(this::send, fixture.issuer, "agent-1");
            sceneChanged = false;
        }
        return scene;
    }

    @AfterProperty
    void closeFixture() {
        if (fixture != null) {
            fixture.app.close();
        }
    }

    private FuzzScene.Answer send(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? null : pathAndQuery.substring(q + 1);
        ApiResponse response = fixture.api.handle(new ApiRequest(method, path, ApiRequest.parseQuery(query), headers, body));
        return new FuzzScene.Answer(response.status(), response.headers(), response.body());
    }

    /** Sends one fuzzed request and checks the answer and, when it was refused, the stores. */
    private FuzzScene.Answer fuzz(String property, Plan plan) {
        PROPERTIES_RUN.add(property);
        FuzzScene current = scene();
        Map<String, Object> before = fixture.storedState();
        FuzzScene.Answer answer;
        try {
            answer = current.send(plan);
        } catch (Throwable e) { // a StackOverflowError, say, escaping the api: the host would answer 500
            throw new AssertionError("the api threw instead of answering " + plan, e);
        } finally {
            REQUESTS.incrementAndGet();
            ROUTES_FUZZED.add(plan.route());
        }
        String type = answer.status() >= 400 ? problemType(answer) : "";
        OUTCOMES.computeIfAbsent(plan.route() + " -> " + answer.status() + " " + type, k -> new AtomicInteger()).incrementAndGet();
        if (FuzzScene.accepted(plan, answer)) {
            ACCEPTED.incrementAndGet();
            if (!plan.method().equals("GET")) {
                current.readBack(plan);
            }
            sceneChanged |= !plan.method().equals("GET") && FuzzRoutes.SCENE_CHANGING.contains(plan.route());
            return answer;
        }
        Map<String, Object> after = fixture.storedState();
        if (!after.equals(before)) {
            List<String> changes = new java.util.ArrayList<>();
            diff("", before, after, changes);
            throw new AssertionError("a refused request (" + answer.status() + ") changed the stores: " + plan + "\n  "
                    + String.join("\n  ", changes.subList(0, Math.min(10, changes.size()))));
        }
        return answer;
    }

    private static String problemType(FuzzScene.Answer answer) {
        try {
            return Json.mapper().readTree(answer.body()).path("type").asText().replace(ProblemType.URI_PREFIX, "");
        } catch (java.io.IOException | RuntimeException e) {
            return "(no JSON)"; // FuzzScene.accepted says what is wrong with it
        }
    }

    /** Where two snapshots differ, down to the changed entries: what a failure shows. */
    private static void diff(String at, Object before, Object after, List<String> changes) {
        if (before instanceof Map<?, ?> b && after instanceof Map<?, ?> a) {
            Set<Object> keys = new java.util.LinkedHashSet<>(b.keySet());
            keys.addAll(a.keySet());
            for (Object key : keys) {
                diff(at + "/" + key, b.get(key), a.get(key), changes);
            }
        } else if (!java.util.Objects.equals(before, after)) {
            changes.add(at + ": " + FuzzInputs.show(String.valueOf(before), 1500) + "\n    became " + FuzzInputs.show(String.valueOf(after), 1500));
        }
    }

    @Property(tries = 2500, seed = "7001", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
    void submissions(@ForAll("submissionPlans") Plan plan) {
        fuzz("submissions", plan);
    }

    @Property(tries = 2000, seed = "7002", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
    void jobRoutes(@ForAll("jobPlans") Plan plan) {
        fuzz("jobRoutes", plan);
    }

    @Property(tries = 1500, seed = "7003", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
    void agentRoutes(@ForAll("agentPlans") Plan plan) {
        fuzz("agentRoutes", plan);
    }

    @Property(tries = 2500, seed = "7004", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
    void leaseRoutes(@ForAll("leasePlans") Plan plan) {
        fuzz("leaseRoutes", plan);
    }

    @Property(tries = 1000, seed = "7005", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
    void adminRoutes(@ForAll("adminPlans") Plan plan) {
        fuzz("adminRoutes", plan);
    }

    @Property(tries = 1000, seed = "7006", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
    void anyRoute(@ForAll("anyPlans") Plan plan) {
        fuzz("anyRoute", plan);
    }

    @Provide
    Arbitrary<Plan> submissionPlans() {
        return FuzzRoutes.submissions(MAX_BODY_BYTES);
    }

    @Provide
    Arbitrary<Plan> jobPlans() {
        return FuzzRoutes.jobRoutes(MAX_BODY_BYTES);
    }

    @Provide
    Arbitrary<Plan> agentPlans() {
        return FuzzRoutes.agentRoutes(MAX_BODY_BYTES);
    }

    @Provide
    Arbitrary<Plan> leasePlans() {
        return FuzzRoutes.leaseRoutes(MAX_BODY_BYTES);
    }

    @Provide
    Arbitrary<Plan> adminPlans() {
        return FuzzRoutes.adminRoutes(MAX_BODY_BYTES);
    }

    @Provide
    Arbitrary<Plan> anyPlans() {
        return FuzzRoutes.anyRoute(HttpApi.describeRoutes(), MAX_BODY_BYTES);
    }

    /** 10,000 nested arrays on every route that reads a body: a 400, not a StackOverflowError. */
    @Example
    void deepNestingIsRefusedOnEveryRouteWithABody() {
        for (String route : FuzzRoutes.VALID_BODIES.keySet()) {
            for (String body : List.of(FuzzInputs.nestedArrays(10_000), "{\"a\":" + FuzzInputs.nestedArrays(10_000) + "}",
                    FuzzInputs.nestedObjects(10_000))) {
                Plan plan = new Plan(route, route.substring(0, route.indexOf(' ')), pathOf(route), null, FuzzScene.AUTH_OK, Map.of(),
                        FuzzInputs.Body.json(body, "deep"));
                assertThat(fuzz("deepNesting", plan).status()).as(plan.toString()).isEqualTo(400);
            }
        }
    }

    private static String pathOf(String route) {
        return route.substring(route.indexOf(' ') + 1).replace("{jobId}", FuzzScene.JOB).replace("{leaseId}", FuzzScene.LEASE)
                .replace("{agentId}", FuzzScene.AGENT).replace("{tenantId}", FuzzScene.OTHER_TENANT).replace("{name}", "cursor");
    }

    @AfterContainer
    static void everyRouteWasFuzzedWithEnoughRequests() {
        System.out.printf("fuzz suite (in-memory api): %d requests sent, %d accepted (2xx), %d refused (4xx), routes %d%n",
                REQUESTS.get(), ACCEPTED.get(), REQUESTS.get() - ACCEPTED.get(), ROUTES_FUZZED.size());
        new java.util.TreeMap<>(OUTCOMES).forEach((outcome, n) -> System.out.printf("  %5d  %s%n", n.get(), outcome));
        assertThat(TRIES.values().stream().mapToInt(Integer::intValue).sum()).as("tries of " + TRIES).isGreaterThanOrEqualTo(MIN_REQUESTS);
        if (PROPERTIES_RUN.containsAll(TRIES.keySet())) { // not when a single property is run
            assertThat(REQUESTS.get()).as("fuzzed requests").isGreaterThanOrEqualTo(MIN_REQUESTS);
            assertThat(ROUTES_FUZZED).as("routes fuzzed").containsAll(FuzzRoutes.routesToCover(HttpApi.describeRoutes()));
        }
    }
}
