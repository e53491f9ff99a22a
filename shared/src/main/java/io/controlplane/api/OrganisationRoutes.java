package io.controlplane.api;

import io.controlplane.app.Caller;
import io.controlplane.app.UseCases;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tenant's view of the organisations its jobs touch: its own limits on its jobs against each
 * (below or beside the operator's), and what holds its jobs there now (the operator's limit, a
 * throttle the organisation asked for).
 */
final class OrganisationRoutes {

    private static final Set<String> READERS = Set.of(Roles.JOBS_READ, Roles.JOBS_MANAGE);
    private static final Set<String> MANAGERS = Set.of(Roles.JOBS_MANAGE);

    private final UseCases app;
    private final RequestBodies bodies;
    private final Responses responses;

    OrganisationRoutes(UseCases app, RequestBodies bodies, Responses responses) {
        this.app = app;
        this.bodies = bodies;
        this.responses = responses;
    }

    List<Route> routes() {
        return List.of(
                Route.secured("GET", "/api/organisations", READERS, this::list),
                Route.secured("GET", "/api/organisations/{key}", READERS, this::get),
                Route.secured("PUT", "/api/organisations/{key}", MANAGERS, this::limit),
                Route.secured("DELETE", "/api/organisations/{key}", MANAGERS, this::lift));
    }

    private ApiResponse list(ApiRequest request, Caller caller, Map<String, String> params) {
        return responses.json(200, Map.of("items", app.tenantOrganisations().list(caller)));
    }

    private ApiResponse get(ApiRequest request, Caller caller, Map<String, String> params) {
        return responses.json(200, app.tenantOrganisations().get(caller, AdminRoutes.organisationKey(params)));
    }

    private ApiResponse limit(ApiRequest request, Caller caller, Map<String, String> params) {
        AdminRoutes.OrganisationLimitView limit = AdminRoutes.limitRequest(request, params, bodies);
        return responses.json(200, app.tenantOrganisations().limit(caller, limit.key(), limit.maxConcurrentJobs()));
    }

    private ApiResponse lift(ApiRequest request, Caller caller, Map<String, String> params) {
        String key = AdminRoutes.organisationKey(params);
        if (!app.tenantOrganisations().lift(caller, key)) {
            throw new ApiException(ProblemType.NOT_FOUND, "Your tenant set no limit on organisation " + key + ".");
        }
        return ApiResponse.empty(204);
    }
}
