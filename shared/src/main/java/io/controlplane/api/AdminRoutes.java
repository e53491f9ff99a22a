package io.controlplane.api;

import io.controlplane.app.Caller;
import io.controlplane.app.TenantData;
import io.controlplane.app.UseCases;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.OrganisationLimit;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.Organisations;
import io.controlplane.domain.RegionName;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.scheduling.QueueDepthSeries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Operator routes: agents, drain, queue depths, tenant entitlements. */
final class AdminRoutes {

    private static final Set<String> ADMIN = Set.of(Roles.ADMIN);

    private final UseCases app;
    private final RequestBodies bodies;
    private final Responses responses;
    private final Clock clock;

    AdminRoutes(UseCases app, RequestBodies bodies, Responses responses, Clock clock) {
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
                Route.secured("PUT", "/api/admin/tenants/{tenantId}", ADMIN, this::entitle),
                Route.secured("GET", "/api/admin/tenants/{tenantId}", ADMIN, this::tenant),
                Route.secured("GET", "/api/admin/tenants/{tenantId}/export", ADMIN, this::export),
                Route.secured("DELETE", "/api/admin/tenants/{tenantId}", ADMIN, this::erase),
                Route.secured("GET", "/api/admin/organisations", ADMIN, this::organisations),
                Route.secured("PUT", "/api/admin/organisations/{key}", ADMIN, this::limitOrganisation),
                Route.secured("GET", "/api/admin/organisations/{key}", ADMIN, this::organisation),
                Route.secured("DELETE", "/api/admin/organisations/{key}", ADMIN, this::unlimitOrganisation));
    }

    private ApiResponse agents(ApiRequest request, Caller caller, Map<String, String> params) {
        return responses.json(200, Map.of("items", app.admin().agents().stream().map(AgentViews::of).toList()));
    }

    private ApiResponse drain(ApiRequest request, Caller caller, Map<String, String> params) {
        return responses.json(200, AgentViews.of(app.admin().drain(AgentRoutes.agentId(params))));
    }

    /** A limit on the jobs running at once against an organisation (an operator's, or a tenant's on its own jobs). */
    record OrganisationLimitView(String key, int maxConcurrentJobs) {
    }

    /** A queue's depth now, and its last hour ({@code series}, oldest first). */
    record QueueView(String region, String tier, long depth, Instant oldestEnqueuedAt, Long oldestAgeSeconds,
                     List<QueueSampleView> series) {

        QueueView(String region, String tier, long depth, Instant oldestEnqueuedAt, Long oldestAgeSeconds) {
            this(region, tier, depth, oldestEnqueuedAt, oldestAgeSeconds, List.of());
        }
    }

    /** One sample of a queue's depth: when it was read, how many waited, how long the oldest had waited. */
    record QueueSampleView(Instant at, long depth, Long oldestAgeSeconds) {
        static QueueSampleView of(QueueDepthSeries.Sample s) {
            return new QueueSampleView(s.at(), s.depth(), s.oldestAgeSeconds());
        }
    }

    private ApiResponse queues(ApiRequest request, Caller caller, Map<String, String> params) {
        List<QueueView> items = new ArrayList<>();
        Instant now = clock.instant();
        app.admin().queues().forEach((region, tiers) -> {
            for (Tier tier : new Tier[] {Tier.Platinum, Tier.Premium, Tier.Standard}) {
                ReadyQueue.Depth d = tiers.get(tier);
                List<QueueSampleView> series = app.admin().queueSeries(region, tier).stream().map(QueueSampleView::of).toList();
                items.add(new QueueView(region, tier.name(), d.count(), d.oldestEnqueuedAt(),
                        d.oldestEnqueuedAt() == null ? null : Duration.between(d.oldestEnqueuedAt(), now).toSeconds(), series));
            }
        });
        List<ThrottledView> throttled = app.admin().throttled().stream().map(t -> ThrottledView.of(t, now)).toList();
        return responses.json(200, Map.of("items", items, "throttledOrganisations", throttled));
    }

    /** An organisation that asked for a back-off, while its throttle lasts: no job against it starts before {@code until}. */
    record ThrottledView(String organisation, Instant until, Integer allowedJobs, Integer remaining, Instant reportedAt) {
        static ThrottledView of(OrganisationThrottle t, Instant now) {
            var allowed = t.allowedAt(now);
            return new ThrottledView(t.key(), t.until(), allowed.isPresent() ? allowed.getAsInt() : null, t.remaining(), t.reportedAt());
        }
    }

    record EntitlementView(String tenantId, String tier, List<String> regions, String dedicatedPool, int maxConcurrentJobs,
                           List<String> keyVaults, List<String> envPools, int weight) {
        static EntitlementView of(TenantEntitlement e) {
            return new EntitlementView(e.tenantId(), e.maxTier().name(), e.regions().stream().sorted().toList(), e.dedicatedPool(),
                    e.maxConcurrentJobs(), e.keyVaults().stream().sorted().toList(), e.envPools().stream().sorted().toList(),
                    e.weight());
        }
    }

    /** A Key Vault name, optionally with a secret-name prefix: {@code kv-contoso} or {@code kv-shared/contoso-}. */
    static final Pattern KEY_VAULT_SCOPE = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9](/[a-zA-Z0-9-]{1,127})?");

    private ApiResponse entitle(ApiRequest request, Caller caller, Map<String, String> params) {
        String tenantId = lowerCase(params.get("tenantId"));
        BodyFields f = new BodyFields(bodies.read(request, true));
        List<FieldError> errors = new ArrayList<>();
        if (!KeySafety.isTenantId(tenantId)) {
            errors.add(new FieldError("tenantId", "is not a valid tenant id"));
        }
        String tierName = f.text("tier", true, 20, null, null);
        Tier tier = tierName == null ? null : Tier.parse(tierName).orElse(null);
        if (tierName != null && tier == null) {
            errors.add(new FieldError("tier", "must be one of " + List.of(Tier.values())));
        }
        Set<String> regions = f.names("regions", 64, RegionName.PATTERN);
        String pool = f.text("dedicatedPool", false, 64, AgentRoutes.NAME, null);
        int max = (int) f.integer("maxConcurrentJobs", false, 1, 100_000, 100);
        Set<String> keyVaults = f.names("keyVaults", 64, KEY_VAULT_SCOPE);
        Set<String> envPools = f.names("envPools", 64, AgentRoutes.NAME);
        int weight = (int) f.integer("weight", false, 1, TenantEntitlement.MAX_WEIGHT, TenantEntitlement.DEFAULT_WEIGHT);
        errors.addAll(f.errors());
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        TenantEntitlement stored = app.admin().entitle(new TenantEntitlement(tenantId, tier, regions, pool, max, keyVaults,
                envPools, weight));
        return responses.json(200, EntitlementView.of(stored));
    }

    /** The organisation key of the path, lower-cased; a 400 naming {@code key} when it is not one. */
    static String organisationKey(Map<String, String> params) {
        String key = lowerCase(params.get("key"));
        if (!Organisations.isKey(key)) {
            throw new ValidationException(List.of(new FieldError("key",
                    "must be an organisation key: the host, then ':' and the organisation, collection or owner "
                            + "(dev.azure.com:contoso, tfs.contoso.local:defaultcollection, github.com:fabrikam)")));
        }
        return key;
    }

    private ApiResponse organisations(ApiRequest request, Caller caller, Map<String, String> params) {
        return responses.json(200, Map.of("items", app.admin().organisationLimits()));
    }

    private ApiResponse limitOrganisation(ApiRequest request, Caller caller, Map<String, String> params) {
        OrganisationLimitView limit = limitRequest(request, params, bodies);
        return responses.json(200, app.admin().limit(new OrganisationLimit(limit.key(), limit.maxConcurrentJobs())));
    }

    /** The organisation of the path and the {@code maxConcurrentJobs} of the body, every problem of both at once. */
    static OrganisationLimitView limitRequest(ApiRequest request, Map<String, String> params, RequestBodies bodies) {
        List<FieldError> errors = new ArrayList<>();
        String key = null;
        try {
            key = organisationKey(params);
        } catch (ValidationException e) {
            errors.addAll(e.errors());
        }
        BodyFields f = new BodyFields(bodies.read(request, true));
        int max = (int) f.integer("maxConcurrentJobs", true, 1, OrganisationLimit.MAX, 0);
        errors.addAll(f.errors());
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        return new OrganisationLimitView(key, max);
    }

    private ApiResponse organisation(ApiRequest request, Caller caller, Map<String, String> params) {
        String key = organisationKey(params);
        return responses.json(200, app.admin().organisationLimits().stream().filter(o -> o.key().equals(key)).findFirst()
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "Organisation " + key + " has no limit.")));
    }

    private ApiResponse unlimitOrganisation(ApiRequest request, Caller caller, Map<String, String> params) {
        String key = organisationKey(params);
        if (!app.admin().unlimit(key)) {
            throw new ApiException(ProblemType.NOT_FOUND, "Organisation " + key + " has no limit.");
        }
        return ApiResponse.empty(204);
    }

    private ApiResponse tenant(ApiRequest request, Caller caller, Map<String, String> params) {
        String tenantId = tenantId(params);
        TenantEntitlement stored = app.admin().entitlement(tenantId)
                .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND, "Tenant " + tenantId + " has no entitlement."));
        return responses.json(200, EntitlementView.of(stored));
    }

    /** A job with everything stored beside it, as the export shows it. */
    record JobExport(JobView job, JobSpec spec, List<JobRoutes.HistoryView> history,
                     List<JobRoutes.CheckpointView> checkpoints) {
    }

    record MappingExport(String scope, List<IdMapping> items) {
    }

    record IdempotencyKeyExport(String key, String jobId) {
    }

    record TenantExport(String tenantId, Instant exportedAt, EntitlementView entitlement, List<JobExport> jobs,
                        List<IdempotencyKeyExport> idempotencyKeys, List<MappingExport> mappings, List<Object> agents,
                        List<OrganisationLimitView> organisationLimits) {
    }

    private ApiResponse export(ApiRequest request, Caller caller, Map<String, String> params) {
        TenantData.Export data = app.tenantData().export(tenantId(params));
        return responses.json(200, new TenantExport(data.tenantId(), data.exportedAt(),
                data.entitlement() == null ? null : EntitlementView.of(data.entitlement()),
                data.jobs().stream().map(r -> new JobExport(JobView.of(r.job()), r.job().spec(),
                        r.history().stream().map(JobRoutes.HistoryView::of).toList(),
                        r.checkpoints().stream().map(JobRoutes.CheckpointView::of).toList())).toList(),
                data.idempotencyKeys().stream().map(k -> new IdempotencyKeyExport(k.key(), k.jobId())).toList(),
                data.mappings().stream().map(m -> new MappingExport(m.scope(), m.items())).toList(),
                data.agents().stream().map(a -> (Object) AgentViews.of(a, null)).toList(),
                data.organisationLimits().stream().map(l -> new OrganisationLimitView(l.key(), l.maxConcurrentJobs())).toList()));
    }

    private ApiResponse erase(ApiRequest request, Caller caller, Map<String, String> params) {
        app.tenantData().erase(tenantId(params), "operator");
        return ApiResponse.empty(204);
    }

    /**
     * A path tenant id that could never be a tenant's is refused as invalid (it names no data). Lower
     * case, as the token validator makes every {@code tid}: Entra GUIDs in any case name one tenant.
     */
    private static String tenantId(Map<String, String> params) {
        String tenantId = lowerCase(params.get("tenantId"));
        if (!KeySafety.isTenantId(tenantId)) {
            throw new ValidationException(List.of(new FieldError("tenantId", "is not a valid tenant id")));
        }
        return tenantId;
    }

    private static String lowerCase(String tenantId) {
        return tenantId == null ? null : tenantId.toLowerCase(Locale.ROOT);
    }
}
