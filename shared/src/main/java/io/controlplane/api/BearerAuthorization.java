package io.controlplane.api;

import io.controlplane.api.auth.AuthenticationException;
import io.controlplane.api.auth.TokenValidator;
import io.controlplane.app.Caller;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Who calls an authenticated route of {@link HttpApi}: the caller of the request's bearer token
 * (401 without a valid one), who must hold one of the route's roles (403 otherwise).
 */
final class BearerAuthorization {

    private final TokenValidator tokens;

    BearerAuthorization(TokenValidator tokens) {
        this.tokens = tokens;
    }

    /** The caller of {@code request}'s token, allowed on {@code route}; else an {@link ApiException}. */
    Caller authorize(Route route, ApiRequest request) {
        String header = request.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw unauthenticated("Send 'Authorization: Bearer <token>'.");
        }
        Caller caller;
        try {
            caller = tokens.validate(header.substring(7).trim());
        } catch (AuthenticationException e) {
            throw unauthenticated(e.getMessage());
        }
        if (route.roles().stream().noneMatch(caller::hasRole)) {
            throw new ApiException(ProblemType.FORBIDDEN, "This operation needs one of the roles "
                    + new TreeSet<>(route.roles()) + "; the token grants " + new TreeSet<>(caller.roles()) + ".");
        }
        return caller;
    }

    private static ApiException unauthenticated(String detail) {
        return new ApiException(ProblemType.UNAUTHENTICATED, detail, List.of(),
                Map.of("WWW-Authenticate", "Bearer realm=\"controlplane\""));
    }
}
