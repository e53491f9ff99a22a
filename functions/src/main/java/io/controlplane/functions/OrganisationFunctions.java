package io.controlplane.functions;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/** A tenant's organisations: its own limits on its jobs against each, and what holds them there (the api's). */
public class OrganisationFunctions {

    @FunctionName("ListOwnOrganisations")
    public HttpResponseMessage list(
            @HttpTrigger(name = "request", route = "organisations", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("GetOwnOrganisation")
    public HttpResponseMessage get(
            @HttpTrigger(name = "request", route = "organisations/{key}", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("LimitOwnOrganisation")
    public HttpResponseMessage limit(
            @HttpTrigger(name = "request", route = "organisations/{key}", methods = {HttpMethod.PUT},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("LiftOwnOrganisationLimit")
    public HttpResponseMessage lift(
            @HttpTrigger(name = "request", route = "organisations/{key}", methods = {HttpMethod.DELETE},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }
}
