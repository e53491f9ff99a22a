package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The control plane's REST API over {@code java.net.http}: one bearer token, JSON in and out, and
 * every non-2xx answer turned into a {@link CliException} carrying its problem document.
 * With verbose, each exchange is logged on stderr with its {@code x-request-id}.
 */
final class ApiClient {

    /** A 2xx answer: its status, JSON body (null when empty) and request id. */
    record Answer(int status, JsonNode body, String requestId) {
    }

    private final URI base;
    private final String token;
    private final ObjectMapper json;
    private final PrintWriter log;
    private final HttpClient http;

    ApiClient(URI base, String token, ObjectMapper json, PrintWriter verboseLog) {
        this.base = base;
        this.token = token;
        this.json = json;
        this.log = verboseLog;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** {@code path?name=value&...}, leaving out null values, each value URL-encoded. */
    static String query(String path, Map<String, ?> params) {
        StringJoiner joined = new StringJoiner("&");
        params.forEach((name, value) -> {
            if (value != null) {
                joined.add(name + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            }
        });
        return joined.length() == 0 ? path : path + "?" + joined;
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Map<String, Object> params(Object... namesAndValues) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            params.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return params;
    }

    Answer get(String pathAndQuery) {
        return send("GET", pathAndQuery, null, Map.of());
    }

    Answer post(String pathAndQuery, byte[] body, Map<String, String> headers) {
        return send("POST", pathAndQuery, body, headers);
    }

    Answer put(String pathAndQuery, byte[] body) {
        return send("PUT", pathAndQuery, body, Map.of());
    }

    Answer delete(String pathAndQuery) {
        return send("DELETE", pathAndQuery, null, Map.of());
    }

    /**
     * Opens a Server-Sent Events stream ({@code Accept: text/event-stream}) after {@code lastEventId}
     * (sent as {@code Last-Event-ID}; null: from now on): its text, once the server has answered 2xx.
     * Closing the reader ends the exchange. A refusal is a {@link CliException} with its status.
     */
    Reader openEvents(String pathAndQuery, String lastEventId) {
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + pathAndQuery);
        // The timeout bounds the wait for the answer's head; the stream itself stays open.
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET()
                .header("Accept", "text/event-stream, application/problem+json")
                .header("User-Agent", "cpctl");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = exchange(request.build(), HttpResponse.BodyHandlers.ofInputStream(),
                "GET " + pathAndQuery + (lastEventId == null ? "" : " (Last-Event-ID: " + lastEventId + ")"));
        String requestId = requestId(response);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new InputStreamReader(response.body(), StandardCharsets.UTF_8);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            body = new byte[0];
        }
        JsonNode parsed = parse(body);
        throw CliException.refused(status, parsed != null && parsed.isObject() ? parsed : null, requestId, "HTTP " + status);
    }

    /** Sends one request; a transport failure is the server exit code; with verbose, logs it with its request id. */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, String logged) {
        HttpResponse<T> response;
        try {
            response = http.send(request, handler);
        } catch (IOException e) {
            throw new CliException(ExitCodes.SERVER, "cannot reach the control plane at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.FAILED, "interrupted");
        }
        if (log != null) {
            log.println("> " + logged + " -> " + response.statusCode() + " (x-request-id: " + requestId(response) + ")");
            log.flush();
        }
        return response;
    }

    private static String requestId(HttpResponse<?> response) {
        return response.headers().firstValue("x-request-id").orElse(null);
    }

    byte[] toJson(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Answer send(String method, String pathAndQuery, byte[] body, Map<String, String> headers) {
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", "cpctl")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<byte[]> response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray(), method + " " + pathAndQuery);
        String requestId = requestId(response);
        JsonNode parsed = parse(response.body());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            if (parsed == null && response.body().length > 0) {
                throw new CliException(ExitCodes.SERVER, "the control plane answered " + status + " with a body that is not JSON");
            }
            return new Answer(status, parsed, requestId);
        }
        throw CliException.refused(status, parsed != null && parsed.isObject() ? parsed : null, requestId, "HTTP " + status);
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }
}
