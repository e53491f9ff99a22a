package io.controlplane.api;

import io.controlplane.app.Caller;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One API route: method, path template, the roles any one of which admits a caller (empty for
 * unauthenticated routes), and its handler. Most handlers answer at once; a long poll answers
 * later ({@link AsyncHandler}), without holding the host's thread meanwhile.
 */
public record Route(String method, PathTemplate path, Set<String> roles, boolean authenticated, AsyncHandler handler) {

    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request, Caller caller, Map<String, String> pathParams);
    }

    /** A handler whose answer may come later; it may also throw at once, as a {@link Handler} does. */
    @FunctionalInterface
    public interface AsyncHandler {
        CompletableFuture<ApiResponse> handle(ApiRequest request, Caller caller, Map<String, String> pathParams);
    }

    public static Route secured(String method, String path, Set<String> roles, Handler handler) {
        return securedAsync(method, path, roles, now(handler));
    }

    public static Route securedAsync(String method, String path, Set<String> roles, AsyncHandler handler) {
        return new Route(method, new PathTemplate(path), Set.copyOf(roles), true, handler);
    }

    public static Route anonymous(String method, String path, Handler handler) {
        return new Route(method, new PathTemplate(path), Set.of(), false, now(handler));
    }

    private static AsyncHandler now(Handler handler) {
        return (request, caller, params) -> CompletableFuture.completedFuture(handler.handle(request, caller, params));
    }
}
