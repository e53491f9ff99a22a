package io.controlplane.api;

import io.controlplane.app.Caller;
import io.controlplane.app.UseCases;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.ReadyQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Operator routes: agents, drain, queue depths, tenant entitlements. */
final class AdminRoutes {

    private static final Set<String> ADMIN = Set.of(Roles.ADMIN);

    private final UseCases app;
    private final RequestBodies bodies;
    private final Responses responses;
    private final java.time.Clock clock;

    AdminRoutes(UseCases app, RequestBodies bodies, Responses responses, java.time.Clock clock) {
        this.app = app;
        this.bodies = bodies;
        this.responses = responses;
        this.clock = clock;
    }

    List<Route> routes() {
        return List.of(
                Route.secured("GET", "/api/admin/agents", ADMIN, this::agents),
                Route.secured("POST", "/api/admin/agents/{agentId}/drain", ADMIN, this::drain),
                Route.secured("GET", "/api/admin/queues", ADMIN, this::queues),
                Route.secured("PUT", "/api/admin/tenants/{tenantId}", ADMIN, this::entitle));
    }

    private ApiResponse agents(ApiRequest request, Caller caller, Map<String, String> params) {
        return responses.json(200, Map.of("items", app.admin().agents().stream().map(AgentViews::of).toList()));
    }

    private ApiResponse drain(ApiRequest request, Caller caller, Map<String, String> params) {
        return responses.json(200, AgentViews.of(app.admin().drain(AgentRoutes.agentId(params))));
    }

    record QueueView(String region, String tier, long depth, Instant oldestEnqueuedAt, Long oldestAgeSeconds) {
    }

    private ApiResponse queues(ApiRequest request, Caller caller, Map<String, String> params) {
        List<QueueView> items = new ArrayList<>();
        Instant now = clock.instant();
        app.admin().queues().forEach((region, tiers) -> {
            for (Tier tier : new Tier[] {Tier.Platinum, Tier.Premium, Tier.Standard}) {
                ReadyQueue.Depth d = tiers.get(tier);
                items.add(new QueueView(region, tier.name(), d.count(), d.oldestEnqueuedAt(),
                        d.oldestEnqueuedAt() == null ? null : Duration.between(d.oldestEnqueuedAt(), now).toSeconds()));
            }
        });
        return responses.json(200, Map.of("items", items));
    }

    record EntitlementView(String tenantId, String tier, List<String> regions, String dedicatedPool, int maxConcurrentJobs) {
    }

    private ApiResponse entitle(ApiRequest request, Caller caller, Map<String, String> params) {
        String tenantId = params.get("tenantId");
        BodyFields f = new BodyFields(bodies.read(request, true));
        List<FieldError> errors = new ArrayList<>();
        if (!KeySafety.isKeySafe(tenantId) || tenantId.length() > 128) {
            errors.add(new FieldError("tenantId", "is not a valid tenant id"));
        }
        String tierName = f.text("tier", true, 20, null, null);
        Tier tier = tierName == null ? null : Tier.parse(tierName).orElse(null);
        if (tierName != null && tier == null) {
            errors.add(new FieldError("tier", "must be one of " + List.of(Tier.values())));
        }
        Set<String> regions = f.names("regions", 64, Pattern.compile("[a-z][a-z0-9]{1,39}"));
        String pool = f.text("dedicatedPool", false, 64, AgentRoutes.NAME, null);
        int max = (int) f.integer("maxConcurrentJobs", false, 1, 100_000, 100);
        errors.addAll(f.errors());
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        TenantEntitlement stored = app.admin().entitle(new TenantEntitlement(tenantId, tier, regions, pool, max));
        return responses.json(200, new EntitlementView(stored.tenantId(), stored.maxTier().name(),
                stored.regions().stream().sorted().toList(), stored.dedicatedPool(), stored.maxConcurrentJobs()));
    }
}
