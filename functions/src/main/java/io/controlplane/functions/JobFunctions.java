package io.controlplane.functions;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/**
 * The client routes of jobs, one function per operation so each has its own name in metrics and
 * logs. Anonymous to the Functions host: the api checks the bearer token and roles itself.
 */
public class JobFunctions {

    @FunctionName("SubmitJob")
    public HttpResponseMessage submit(
            @HttpTrigger(name = "request", route = "jobs", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("ListJobs")
    public HttpResponseMessage list(
            @HttpTrigger(name = "request", route = "jobs", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("GetJob")
    public HttpResponseMessage get(
            @HttpTrigger(name = "request", route = "jobs/{jobId}", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("EraseJob")
    public HttpResponseMessage erase(
            @HttpTrigger(name = "request", route = "jobs/{jobId}", methods = {HttpMethod.DELETE},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("GetJobHistory")
    public HttpResponseMessage history(
            @HttpTrigger(name = "request", route = "jobs/{jobId}/history", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("CancelJob")
    public HttpResponseMessage cancel(
            @HttpTrigger(name = "request", route = "jobs/{jobId}/cancel", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("PauseJob")
    public HttpResponseMessage pause(
            @HttpTrigger(name = "request", route = "jobs/{jobId}/pause", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("ResumeJob")
    public HttpResponseMessage resume(
            @HttpTrigger(name = "request", route = "jobs/{jobId}/resume", methods = {HttpMethod.POST},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("GetJobCheckpoints")
    public HttpResponseMessage checkpoints(
            @HttpTrigger(name = "request", route = "jobs/{jobId}/checkpoints", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    /** A function's answer cannot stay open: the events so far, or the first within waitSeconds; the client reconnects. */
    @FunctionName("WatchJobEvents")
    public HttpResponseMessage jobEvents(
            @HttpTrigger(name = "request", route = "jobs/{jobId}/events", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    /** The caller's tenant's events, as {@link #jobEvents} answers them. */
    @FunctionName("WatchEvents")
    public HttpResponseMessage events(
            @HttpTrigger(name = "request", route = "events", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }

    @FunctionName("GetJobMappings")
    public HttpResponseMessage mappings(
            @HttpTrigger(name = "request", route = "jobs/{jobId}/mappings", methods = {HttpMethod.GET},
                    authLevel = AuthorizationLevel.ANONYMOUS, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request) {
        return FunctionsApi.serve(request);
    }
}
