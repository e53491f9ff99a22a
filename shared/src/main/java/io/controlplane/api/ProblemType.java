package io.controlplane.api;

/**
 * The catalogue of problem types this API returns (RFC 9457). Each one is documented, with cause
 * and fix, in docs/operations.md; a test keeps the two in step.
 */
public enum ProblemType {
    VALIDATION("validation", 400, "The request is invalid"),
    BAD_REQUEST("bad-request", 400, "The request is not well-formed HTTP"),
    MALFORMED_JSON("malformed-json", 400, "The body is not valid JSON"),
    INVALID_CONTINUATION_TOKEN("invalid-continuation-token", 400, "The continuation token is not valid"),
    UNAUTHENTICATED("unauthenticated", 401, "Authentication is required"),
    FORBIDDEN("forbidden", 403, "The caller may not perform this operation"),
    NOT_ENTITLED("not-entitled", 403, "The tenant is not entitled to this tier or region"),
    NOT_FOUND("not-found", 404, "Not found"),
    ROUTE_NOT_FOUND("route-not-found", 404, "No such route"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method not allowed on this route"),
    INVALID_STATE("invalid-state", 409, "The current state does not allow this operation"),
    CONCURRENCY_CONFLICT("concurrency-conflict", 409, "The resource was changed concurrently"),
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", 409, "The Idempotency-Key was used for a different request"),
    LEASE_LOST("lease-lost", 409, "The lease was revoked, expired or superseded"),
    MAPPING_CONFLICT("mapping-conflict", 409, "An ID mapping conflicts with another"),
    REQUEST_TIMEOUT("request-timeout", 408, "The request was not received in time"),
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "The request is too large"),
    URI_TOO_LONG("uri-too-long", 414, "The request target is too long"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "The body must be JSON"),
    QUOTA_EXCEEDED("quota-exceeded", 429, "The tenant has as many unfinished jobs as its quota allows"),
    HEADERS_TOO_LARGE("headers-too-large", 431, "The request headers are too large"),
    NOT_READY("not-ready", 503, "The service is not ready"),
    AUTH_UNAVAILABLE("auth-unavailable", 503, "Tokens cannot be checked right now"),
    INTERNAL("internal", 500, "Internal error");

    /** Problem type URIs share this prefix; the slug after it names the problem. */
    public static final String URI_PREFIX = "urn:controlplane:problem:";

    private final String slug;
    private final int status;
    private final String title;

    ProblemType(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    public String slug() {
        return slug;
    }

    public String uri() {
        return URI_PREFIX + slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
