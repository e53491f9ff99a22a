package io.controlplane.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.controlplane.api.ApiRequest;
import io.controlplane.api.ApiResponse;
import io.controlplane.api.HttpApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the JDK HTTP server's exchange and the host-neutral {@link ApiRequest} /
 * {@link ApiResponse}; nothing else. Bodies are read up to one byte past the API's limit, so an
 * oversized request is refused (413) without being buffered whole.
 */
final class HttpServerAdapter implements HttpHandler {

    private final HttpApi api;

    HttpServerAdapter(HttpApi api) {
        this.api = api;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    headers.put(name, values.get(0));
                }
            });
            byte[] body = readLimited(exchange.getRequestBody(), api.maxBodyBytes() + 1);
            ApiRequest request = new ApiRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    ApiRequest.parseQuery(exchange.getRequestURI().getRawQuery()), headers, body);
            ApiResponse response = api.handle(request);
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            boolean noBody = response.body().length == 0 || "HEAD".equals(request.method());
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : response.body().length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (RuntimeException e) {
            byte[] body = ("{\"type\":\"urn:controlplane:problem:internal\",\"title\":\"Internal error\",\"status\":500}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().put("Content-Type", List.of("application/problem+json"));
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            throw e;
        }
    }

    /** Beyond this much, an oversized body is not drained: the connection is dropped after the 413. */
    private static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

    private static byte[] readLimited(InputStream in, int limit) throws IOException {
        byte[] bytes = in.readNBytes(limit);
        if (bytes.length == limit) {
            // Read the rest (bounded) and discard it, so the client, still sending, gets the 413
            // rather than a reset connection.
            byte[] sink = new byte[64 * 1024];
            long drained = 0;
            int n;
            while (drained < MAX_DRAIN_BYTES && (n = in.read(sink)) >= 0) {
                drained += n;
            }
        }
        return bytes;
    }
}
