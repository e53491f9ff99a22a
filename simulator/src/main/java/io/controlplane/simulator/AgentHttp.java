package io.controlplane.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How {@link AgentClient} sends one call of the agent API and reads its answer: the bearer token
 * taken from the supplier at call time, the headers every call carries, a JSON body, and a non-2xx
 * answer turned into a {@link ProblemException} (a lost lease into a {@link LeaseLostException}).
 * A transport failure or an interrupt becomes an {@link UncheckedIOException}.
 */
final class AgentHttp {

    private static final String USER_AGENT = "controlplane-simulator/0.1";

    private final HttpClient http;
    private final URI base;
    private final Supplier<String> token;
    private final ObjectMapper json = Jackson.MAPPER;

    /**
     * @param baseUri the control plane's root; a trailing {@code /api} or slash is dropped
     * @param token   supplies the bearer token for each call
     */
    AgentHttp(HttpClient http, URI baseUri, Supplier<String> token) {
        this.http = Objects.requireNonNull(http, "http");
        this.base = root(Objects.requireNonNull(baseUri, "baseUri"));
        this.token = Objects.requireNonNull(token, "token");
    }

    /** The control plane root calls are resolved against (without {@code /api}). */
    URI base() {
        return base;
    }

    /**
     * One call: {@code pathAndQuery} against the root, with {@code body} as JSON when not null.
     *
     * @return the answer's JSON, or a missing node for a 204 or an empty body
     */
    JsonNode call(String method, String pathAndQuery, JsonNode body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(timeout)
                .header("Authorization", "Bearer " + bearer())
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", USER_AGENT);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException(method + " " + pathOnly(pathAndQuery)
                    + " interrupted"));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + pathOnly(pathAndQuery) + " failed: " + e, e);
        }
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        if (status >= 200 && status < 300) {
            return status == 204 || text.isBlank() ? json.missingNode() : read(text, method, pathAndQuery);
        }
        throw problem(status, text);
    }

    private String bearer() {
        String value = token.get();
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("the token supplier gave no token");
        }
        return value.trim();
    }

    private ProblemException problem(int status, String body) {
        String type = null;
        String title = null;
        String detail = null;
        try {
            JsonNode problem = json.readTree(body);
            if (problem != null && problem.isObject()) {
                type = AgentJson.text(problem, "type");
                title = AgentJson.text(problem, "title");
                detail = AgentJson.text(problem, "detail");
            }
        } catch (JsonProcessingException notJson) {
            // a proxy or a crashed host answered; keep the body as it is
        }
        if (LeaseLostException.isLeaseLost(status, type)) {
            return new LeaseLostException(status, type, title, detail, body);
        }
        return new ProblemException(status, type, title, detail, body);
    }

    private String write(JsonNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    private JsonNode read(String text, String method, String pathAndQuery) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(method + " " + pathOnly(pathAndQuery) + " answered non-JSON", e);
        }
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private static URI root(URI uri) {
        String text = uri.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.endsWith("/api")) {
            text = text.substring(0, text.length() - "/api".length());
        }
        return URI.create(text + "/");
    }
}
