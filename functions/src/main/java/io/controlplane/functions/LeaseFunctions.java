package io.controlplane.functions;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/** The routes an agent calls on a lease it holds: progress, checkpoints, mappings, release, complete, fail, throttle (fencing is the api's). */
public class LeaseFunctions {

    @FunctionName("ReportProgress")
    public HttpResponseMessage progress(
            @HttpTrigger(name = "request", route = "leases/{leaseId}/progress", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("CompleteLease")
    public HttpResponseMessage complete(
            @HttpTrigger(name = "request", route = "leases/{leaseId}/complete", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("FailLease")
    public HttpResponseMessage fail(
            @HttpTrigger(name = "request", route = "leases/{leaseId}/fail", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("SaveCheckpoint")
    public HttpResponseMessage checkpoint(
            @HttpTrigger(name = "request", route = "leases/{leaseId}/checkpoints/{name}", methods = {HttpMethod.PUT},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("ReleaseLease")
    public HttpResponseMessage release(
            @HttpTrigger(name = "request", route = "leases/{leaseId}/release", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("RecordMappings")
    public HttpResponseMessage recordMappings(
            @HttpTrigger(name = "request", route = "leases/{leaseId}/mappings", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("FindLeaseMappings")
    public HttpResponseMessage findMappings(
            @HttpTrigger(name = "request", route = "leases/{leaseId}/mappings", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("ReportThrottle")
    public HttpResponseMessage throttle(
            @HttpTrigger(name = "request", route = "leases/{leaseId}/throttle", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }
}
