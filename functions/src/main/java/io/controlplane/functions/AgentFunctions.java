package io.controlplane.functions;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/**
 * The agent routes: register, heartbeat, and lease. A lease call may long-poll for up to
 * {@code LeaseWork.MAX_WAIT_SECONDS} (30 s); host.json's functionTimeout leaves room for it, and
 * it stays far below the 230 s the Azure front end allows an HTTP response.
 */
public class AgentFunctions {

    @FunctionName("RegisterAgent")
    public HttpResponseMessage register(
            @HttpTrigger(name = "request", route = "agents/{agentId}", methods = {HttpMethod.PUT},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("AgentHeartbeat")
    public HttpResponseMessage heartbeat(
            @HttpTrigger(name = "request", route = "agents/{agentId}/heartbeat", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("LeaseWork")
    public HttpResponseMessage lease(
            @HttpTrigger(name = "request", route = "agents/{agentId}/lease", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }
}
