package io.controlplane.api;

import io.controlplane.app.Caller;
import java.util.Map;
import java.util.Set;

/**
 * One API route: method, path template, the roles any one of which admits a caller (empty for
 * unauthenticated routes), and its handler.
 */
public record Route(String method, PathTemplate path, Set<String> roles, boolean authenticated, Handler handler) {

    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request, Caller caller, Map<String, String> pathParams);
    }

    public static Route secured(String method, String path, Set<String> roles, Handler handler) {
        return new Route(method, new PathTemplate(path), Set.copyOf(roles), true, handler);
    }

    public static Route anonymous(String method, String path, Handler handler) {
        return new Route(method, new PathTemplate(path), Set.of(), false, handler);
    }
}
