package io.controlplane.functions;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/**
 * The operator routes under {@code /api/admin/}.
 *
 * <p>The Functions host refuses every HTTP function whose route template starts with
 * {@code admin} (or {@code runtime}), whatever the route prefix: "The specified route conflicts
 * with one or more built in routes", after which the route answers 404. Its own admin API lives
 * at {@code /admin/...}, outside our {@code api} prefix, so {@code /api/admin/...} collides with
 * nothing; only the template check is in the way. The first segment is therefore a route
 * parameter constrained to the single value {@code admin}: the same URLs as the api and the
 * standalone host serve, with a template that does not start with the reserved word.
 */
public class AdminFunctions {

    /** Matches exactly the segment {@code admin} (route constraints ignore case; the api then routes exactly). */
    static final String ADMIN = "{admin:regex(^admin$)}";

    @FunctionName("ListAgents")
    public HttpResponseMessage agents(
            @HttpTrigger(name = "request", route = ADMIN + "/agents", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("DrainAgent")
    public HttpResponseMessage drain(
            @HttpTrigger(name = "request", route = ADMIN + "/agents/{agentId}/drain", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("QueueDepths")
    public HttpResponseMessage queues(
            @HttpTrigger(name = "request", route = ADMIN + "/queues", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("EntitleTenant")
    public HttpResponseMessage entitle(
            @HttpTrigger(name = "request", route = ADMIN + "/tenants/{tenantId}", methods = {HttpMethod.PUT},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("GetTenant")
    public HttpResponseMessage tenant(
            @HttpTrigger(name = "request", route = ADMIN + "/tenants/{tenantId}", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("ExportTenant")
    public HttpResponseMessage export(
            @HttpTrigger(name = "request", route = ADMIN + "/tenants/{tenantId}/export", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("EraseTenant")
    public HttpResponseMessage erase(
            @HttpTrigger(name = "request", route = ADMIN + "/tenants/{tenantId}", methods = {HttpMethod.DELETE},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }
    @FunctionName("ListOrganisationLimits")
    public HttpResponseMessage organisations(
            @HttpTrigger(name = "request", route = ADMIN + "/organisations", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("LimitOrganisation")
    public HttpResponseMessage limitOrganisation(
            @HttpTrigger(name = "request", route = ADMIN + "/organisations/{key}", methods = {HttpMethod.PUT},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("GetOrganisationLimit")
    public HttpResponseMessage organisation(
            @HttpTrigger(name = "request", route = ADMIN + "/organisations/{key}", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("UnlimitOrganisation")
    public HttpResponseMessage unlimitOrganisation(
            @HttpTrigger(name = "request", route = ADMIN + "/organisations/{key}", methods = {HttpMethod.DELETE},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }
}
