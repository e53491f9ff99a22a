package io.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.app.AgentHeartbeat;
import io.controlplane.app.Caller;
import io.controlplane.app.LeaseGrant;
import io.controlplane.app.LeaseWork;
import io.controlplane.app.RegisterAgent;
import io.controlplane.app.UseCases;
import io.controlplane.domain.Agent;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.Job;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.Organisations;
import io.controlplane.domain.RegionName;
import io.controlplane.domain.ValidationException;
import io.controlplane.validation.SecretScanner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** The agent routes: register, heartbeat, lease (long poll), and the lease routes: progress, complete, fail. */
final class AgentRoutes {

    static final Pattern AGENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern COUNTER = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
    private static final Set<String> AGENTS = Set.of(Roles.AGENTS_RUN);

    private final UseCases app;
    private final RequestBodies bodies;
    private final Responses responses;

    AgentRoutes(UseCases app, RequestBodies bodies, Responses responses) {
        this.app = app;
        this.bodies = bodies;
        this.responses = responses;
    }

    List<Route> routes() {
        return List.of(
                Route.secured("PUT", "/api/agents/{agentId}", AGENTS, this::register),
                Route.securedAsync("POST", "/api/agents/{agentId}/heartbeat", AGENTS, this::heartbeat),
                Route.securedAsync("POST", "/api/agents/{agentId}/lease", AGENTS, this::lease),
                Route.secured("POST", "/api/leases/{leaseId}/progress", AGENTS, this::progress),
                Route.secured("POST", "/api/leases/{leaseId}/complete", AGENTS, this::complete),
                Route.secured("POST", "/api/leases/{leaseId}/fail", AGENTS, this::fail),
                Route.secured("PUT", "/api/leases/{leaseId}/checkpoints/{name}", AGENTS, this::checkpoint),
                Route.secured("POST", "/api/leases/{leaseId}/release", AGENTS, this::release),
                Route.secured("POST", "/api/leases/{leaseId}/throttle", AGENTS, this::throttle));
    }

    static String agentId(Map<String, String> params) {
        String id = params.get("agentId");
        if (!AGENT_ID.matcher(id).matches()) {
            throw new ValidationException(List.of(new FieldError("agentId",
                    "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")));
        }
        return id;
    }

    private ApiResponse register(ApiRequest request, Caller caller, Map<String, String> params) {
        String agentId = agentId(params);
        BodyFields f = new BodyFields(bodies.read(request, true));
        String region = f.text("region", true, RegionName.MAX_LENGTH, RegionName.PATTERN, null);
        String pool = f.text("pool", false, 64, NAME, "shared");
        Set<String> capabilities = f.names("capabilities", 64, NAME);
        int slots = (int) f.integer("slots", false, 1, Agent.MAX_SLOTS, 1);
        if (!f.errors().isEmpty()) {
            throw new ValidationException(f.errors());
        }
        var agent = app.registerAgent().register(caller, agentId, new RegisterAgent.Registration(region, pool, capabilities, slots));
        return responses.json(200, AgentViews.of(agent, true));
    }

    /** Answered at once, or (with {@code waitSeconds}) when a stop is pushed for a lease or the wait ends; no thread waits. */
    private CompletableFuture<ApiResponse> heartbeat(ApiRequest request, Caller caller,
                                                                         Map<String, String> params) {
        String agentId = agentId(params);
        int wait = waitSeconds(request, AgentHeartbeat.MAX_WAIT_SECONDS);
        // Optional body { leases: [{ leaseId }] }: the leases the agent works on. Only those are
        // extended, and one that was revoked meanwhile is answered with an explicit cancel rather
        // than silence. Without the list, every lease of the agent is extended.
        JsonNode body = request.body().length == 0 ? null : bodies.read(request, false);
        List<String> believed = null;
        if (body != null && body.isObject() && body.path("leases").isArray()) {
            believed = new ArrayList<>();
            for (JsonNode lease : body.path("leases")) {
                if (lease.path("leaseId").isTextual() && lease.path("leaseId").asText().length() <= 600 && believed.size() < 64) {
                    believed.add(lease.path("leaseId").asText());
                }
            }
        }
        return app.heartbeat().beatAsync(caller, agentId, believed, wait).thenApply(beat -> responses.json(200, beat));
    }

    /** A long poll: answered when a lease is granted (200) or the wait ends empty (204); no thread waits meanwhile. */
    private CompletableFuture<ApiResponse> lease(ApiRequest request, Caller caller, Map<String, String> params) {
        String agentId = agentId(params);
        int wait = waitSeconds(request, LeaseWork.MAX_WAIT_SECONDS);
        return app.leaseWork().leaseAsync(caller, agentId, wait).thenApply(grant -> grant.isEmpty()
                ? ApiResponse.empty(204)
                : responses.json(200, AgentViews.of(grant.get(), app.dispatchSettings().heartbeatInterval().toSeconds())));
    }

    /** The {@code waitSeconds} query parameter: 0 when absent; not an integer from 0 to {@code max} is a 400. */
    private static int waitSeconds(ApiRequest request, int max) {
        List<FieldError> errors = new ArrayList<>();
        int wait = QueryParams.waitSeconds(request, max, 0, errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return wait;
    }

    private ApiResponse progress(ApiRequest request, Caller caller, Map<String, String> params) {
        BodyFields f = new BodyFields(bodies.read(request, true));
        double percent = f.number("percent", true, 0, 100, 0);
        Map<String, Long> counters = f.counters("counters", 64, COUNTER);
        String message = f.text("message", false, 1000, null, null);
        if (!f.errors().isEmpty()) {
            throw new ValidationException(f.errors());
        }
        var outcome = app.reportProgress().report(caller, params.get("leaseId"), percent, counters,
                BodyFields.sanitized(message, 1000));
        return responses.json(200, outcome);
    }

    private ApiResponse complete(ApiRequest request, Caller caller, Map<String, String> params) {
        Job job = app.finishJob().complete(caller, params.get("leaseId"));
        return responses.json(200, new AgentViews.JobOutcome(job.id(), job.state().name(), job.failures()));
    }

    static final Pattern CHECKPOINT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{7,64}");
    private static final int MAX_CHECKPOINT_BYTES = 32 * 1024;
    private static final Set<String> RELEASE_REASONS = Set.of("preempted", "paused", "shutdown");

    private ApiResponse checkpoint(ApiRequest request, Caller caller, Map<String, String> params) {
        String name = params.get("name");
        List<FieldError> errors = new ArrayList<>();
        if (!CHECKPOINT_NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "must match " + CHECKPOINT_NAME.pattern()));
        }
        JsonNode body = bodies.read(request, true);
        BodyFields f = new BodyFields(body);
        String kindName = f.text("kind", true, 10, Pattern.compile("cursor|git"), null);
        errors.addAll(f.errors());
        JsonNode data = body.isObject() ? body.get("data") : null;
        if (data == null || data.isNull()) {
            errors.add(new FieldError("data", "is required"));
        } else {
            if ("git".equals(kindName)) {
                gitData(data, errors);
            }
            if (data.toString().getBytes(StandardCharsets.UTF_8).length > MAX_CHECKPOINT_BYTES) {
                errors.add(new FieldError("data", "must be at most " + MAX_CHECKPOINT_BYTES + " bytes of JSON"));
            }
        }
        if (data != null && SecretScanner.secretIn(data.toString()).isPresent()) {
            errors.add(new FieldError("data", "contains what looks like a raw secret; checkpoints are stored and shown to clients"));
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        Object value = JSON_TREE.convertValue(data, Object.class);
        var saved = app.saveCheckpoint().save(caller, params.get("leaseId"), name,
                Checkpoint.Kind.valueOf(kindName), value);
        return responses.json(200, JobRoutes.CheckpointView.of(saved));
    }

    private static final ObjectMapper JSON_TREE = Json.mapper();

    private static void gitData(JsonNode data, List<FieldError> errors) {
        if (!data.isObject()) {
            errors.add(new FieldError("data", "a git checkpoint is { repo, ref, commit }"));
            return;
        }
        BodyFields g = new BodyFields(data);
        g.text("repo", true, 2048, null, null);
        g.text("ref", true, 256, null, null);
        g.text("commit", true, 64, COMMIT, null);
        g.errors().forEach(e -> errors.add(new FieldError("data." + e.field(), e.message())));
    }

    private ApiResponse release(ApiRequest request, Caller caller, Map<String, String> params) {
        BodyFields f = new BodyFields(bodies.read(request, true));
        String reason = f.text("reason", true, 20, null, null);
        if (reason != null && !RELEASE_REASONS.contains(reason)) {
            f.errors().add(new FieldError("reason", "must be one of " + new TreeSet<>(RELEASE_REASONS)));
        }
        if (!f.errors().isEmpty()) {
            throw new ValidationException(f.errors());
        }
        Job job = app.releaseLease().release(caller, params.get("leaseId"), reason);
        return responses.json(200, new AgentViews.JobOutcome(job.id(), job.state().name(), job.failures()));
    }

    private ApiResponse fail(ApiRequest request, Caller caller, Map<String, String> params) {
        JsonNode body = bodies.read(request, true);
        BodyFields f = new BodyFields(body);
        String error = f.text("error", true, 100_000, null, null);
        boolean retryable = f.bool("retryable", false);
        if (!f.errors().isEmpty()) {
            throw new ValidationException(f.errors());
        }
        Job job = app.finishJob().fail(caller, params.get("leaseId"), BodyFields.sanitized(error, 2000), retryable);
        return responses.json(200, new AgentViews.JobOutcome(job.id(), job.state().name(), job.failures()));
    }

    /** What an organisation the lease's job touches told the agent: HTTP 429 with Retry-After, X-RateLimit-Remaining. */
    private ApiResponse throttle(ApiRequest request, Caller caller, Map<String, String> params) {
        BodyFields f = new BodyFields(bodies.read(request, true));
        String given = f.text("organisation", true, 200, null, null);
        String organisation = given == null ? null : given.trim().toLowerCase(Locale.ROOT);
        long retryAfter = f.integer("retryAfterSeconds", true, 0, OrganisationThrottle.MAX_RETRY_AFTER_SECONDS, 0);
        Integer remaining = f.has("remaining") ? (int) f.integer("remaining", false, 0, Integer.MAX_VALUE, 0) : null;
        if (organisation != null && !Organisations.isKey(organisation)) {
            f.errors().add(new FieldError("organisation", "must be an organisation key, as the job view's organisations name it "
                    + "(dev.azure.com:contoso, tfs.contoso.local:defaultcollection, github.com:fabrikam)"));
        }
        if (!f.errors().isEmpty()) {
            throw new ValidationException(f.errors());
        }
        var outcome = app.throttleReports().report(caller, params.get("leaseId"), organisation,
                Duration.ofSeconds(retryAfter), remaining);
        return responses.json(200, outcome);
    }
}
