package io.controlplane.api;

import io.controlplane.api.auth.IssuerUnavailableException;
import io.controlplane.domain.AgentNotFoundException;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.ForbiddenException;
import io.controlplane.domain.IdempotencyKeyReusedException;
import io.controlplane.domain.IllegalTransitionException;
import io.controlplane.domain.InvalidStateException;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.LeaseLostException;
import io.controlplane.domain.MappingConflictException;
import io.controlplane.domain.NotEntitledException;
import io.controlplane.domain.PayloadTooLargeException;
import io.controlplane.domain.QuotaExceededException;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.InvalidContinuationTokenException;
import io.controlplane.telemetry.LogValues;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failure becomes a problem answer of {@link HttpApi}: each exception the API
 * and the use cases throw has its problem type; anything else is an internal error, logged with the
 * request's id.
 */
final class FailureProblems {

    /** The log of {@link HttpApi}, whose answers these are. */
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private final Responses responses;

    FailureProblems(Responses responses) {
        this.responses = responses;
    }

    /** The problem answering {@code request} that failed with {@code e}. */
    ApiResponse toProblem(RuntimeException e, ApiRequest request, String requestId) {
        String instance = HttpApi.stripQuery(request.path());
        if (e instanceof ApiException api) {
            return responses.problem(api.type(), api.getMessage(), instance, api.errors(), api.headers());
        }
        if (e instanceof IssuerUnavailableException u) {
            // Not the caller's fault: 503 so clients retry instead of discarding a good token.
            return responses.problem(ProblemType.AUTH_UNAVAILABLE, u.getMessage(), instance, List.of(),
                    Map.of("Retry-After", Long.toString(u.retryAfter().toSeconds())));
        }
        if (e instanceof ValidationException v) {
            return responses.problem(ProblemType.VALIDATION, v.errors().size() + " problem(s) found; each is listed in errors.",
                    instance, v.errors(), Map.of());
        }
        if (e instanceof PayloadTooLargeException p) {
            return responses.problem(ProblemType.PAYLOAD_TOO_LARGE, p.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof IdempotencyKeyReusedException) {
            return responses.problem(ProblemType.IDEMPOTENCY_KEY_REUSED, e.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof LeaseLostException) {
            return responses.problem(ProblemType.LEASE_LOST, e.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof MappingConflictException) {
            return responses.problem(ProblemType.MAPPING_CONFLICT, e.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof NotEntitledException) {
            return responses.problem(ProblemType.NOT_ENTITLED, e.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof QuotaExceededException q) {
            return responses.problem(ProblemType.QUOTA_EXCEEDED, e.getMessage(), instance, List.of(),
                    Map.of("Retry-After", String.valueOf(HttpApi.QUOTA_RETRY_AFTER_SECONDS)));
        }
        if (e instanceof ForbiddenException) {
            return responses.problem(ProblemType.FORBIDDEN, e.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof JobNotFoundException || e instanceof AgentNotFoundException) {
            return responses.problem(ProblemType.NOT_FOUND, e.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof IllegalTransitionException || e instanceof InvalidStateException) {
            return responses.problem(ProblemType.INVALID_STATE, e.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof ConcurrencyConflictException) {
            return responses.problem(ProblemType.CONCURRENCY_CONFLICT, e.getMessage(), instance, List.of(), Map.of());
        }
        if (e instanceof InvalidContinuationTokenException) {
            return responses.problem(ProblemType.INVALID_CONTINUATION_TOKEN, e.getMessage(), instance, List.of(), Map.of());
        }
        LOG.error("event=unhandled_error method={} path={} error={} requestId={}",
                LogValues.sanitise(request.method()), HttpApi.loggable(instance),
                e.getClass().getName(), requestId, e);
        return responses.problem(ProblemType.INTERNAL, "The control plane failed to handle the request; "
                + "it has been logged with this response's x-request-id.", instance, List.of(), Map.of());
    }
}
