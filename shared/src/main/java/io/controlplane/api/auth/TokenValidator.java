package io.controlplane.api.auth;

import io.controlplane.app.Caller;

/** Turns a bearer token into the caller it proves, or refuses it. */
public interface TokenValidator {

    /**
     * @throws AuthenticationException when the token is not acceptable (the message says why,
     *     without echoing the token)
     */
    Caller validate(String bearerToken);
}
