package io.controlplane.api.auth;

/** The bearer token is missing, malformed, expired, or not from a trusted issuer for this API. */
public final class AuthenticationException extends RuntimeException {

    public AuthenticationException(String message) {
        super(message);
    }
}
