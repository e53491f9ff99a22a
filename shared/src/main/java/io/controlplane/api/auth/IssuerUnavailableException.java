package io.controlplane.api.auth;

import java.time.Duration;

/**
 * The token issuer's OpenID configuration or signing keys cannot be fetched right now, so no token
 * can be checked: the caller is not at fault and should retry, unlike an
 * {@link AuthenticationException}.
 */
public final class IssuerUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    public IssuerUnavailableException(String message, Duration retryAfter) {
        super(message);
        // Whole seconds, rounded up, at least one: what a Retry-After header can say.
        long seconds = retryAfter.plusNanos(999_999_999).getSeconds();
        this.retryAfter = Duration.ofSeconds(Math.max(1, seconds));
    }

    /** When a retry has a chance: whole seconds, at least one. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
