package io.controlplane.functions;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/** Liveness and readiness, unauthenticated so probes need no token. */
public class HealthFunctions {

    @FunctionName("Health")
    public HttpResponseMessage health(
            @HttpTrigger(name = "request", route = "health", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("HealthReady")
    public HttpResponseMessage ready(
            @HttpTrigger(name = "request", route = "health/ready", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }
}
