package io.controlplane.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A test double of the control plane, for the simulator's unit tests only: a JDK {@link HttpServer}
 * on 127.0.0.1 and port 0 that records every request and answers each route with a canned response
 * of the agent API (set per test with {@link #on}). It has none of the control plane's logic (no
 * scheduling, no fencing, no auth check); it only lets the tests see exactly what the client sends
 * and feed it the answers docs/openapi.yaml describes. End-to-end tests against the real control
 * plane live with the control plane.
 *
 * <p>Defaults: register 200, heartbeat {@code { commands: [] }}, lease 204 after 50 ms (a short long
 * poll), every lease write 200 {@code {}}.
 */
final class FakeControlPlane implements AutoCloseable {

    /** A request as received. */
    record Recorded(String method, String path, String query, Map<String, List<String>> headers, String body,
                    long nanoTime) {

        JsonNode json() {
            try {
                return Jackson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }

        boolean is(String method, String pathRegex) {
            return this.method.matches(method) && path.matches(pathRegex);
        }

        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " " + body;
        }
    }

    /** A canned answer; {@code delay} imitates a long poll that waits before answering. */
    record Answer(int status, String contentType, String body, Duration delay) {

        static Answer json(String body) {
            return new Answer(200, "application/json", body, Duration.ZERO);
        }

        static Answer noContent(Duration delay) {
            return new Answer(204, null, "", delay);
        }

        static Answer problem(int status, String type, String title) {
            String body = "{\"type\":\"" + type + "\",\"title\":\"" + title + "\",\"status\":" + status
                    + ",\"detail\":\"canned by the test double\"}";
            return new Answer(status, "application/problem+json", body, Duration.ZERO);
        }

        static Answer leaseLost() {
            return problem(409, "urn:controlplane:problem:lease-lost", "The lease was lost");
        }
    }

    @FunctionalInterface
    interface Handler {
        Answer answer(Recorded request);
    }

    private record Route(String method, Pattern path, Handler handler) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-control-plane");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();

    FakeControlPlane() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        on("PUT", "/api/agents/[^/]+", request -> Answer.json("{}"));
        on("POST", "/api/agents/[^/]+/heartbeat", request -> Answer.json("{\"commands\":[]}"));
        on("POST", "/api/agents/[^/]+/lease", request -> Answer.noContent(Duration.ofMillis(50)));
        on("POST", "/api/leases/[^/]+/(progress|mappings|release|complete|fail|throttle)", request -> Answer.json("{}"));
        on("PUT", "/api/leases/[^/]+/checkpoints/[^/]+", request -> Answer.json("{}"));
        server.start();
    }

    /** Answers {@code method} on paths matching {@code pathRegex}; the latest registration wins. */
    FakeControlPlane on(String method, String pathRegex, Handler handler) {
        routes.add(0, new Route(method, Pattern.compile(pathRegex), handler));
        return this;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Recorded> requests() {
        return List.copyOf(requests);
    }

    List<Recorded> requests(String method, String pathRegex) {
        return requests.stream().filter(r -> r.is(method, pathRegex)).toList();
    }

    Recorded only(String method, String pathRegex) {
        List<Recorded> matching = requests(method, pathRegex);
        if (matching.size() != 1) {
            throw new AssertionError("expected one " + method + " " + pathRegex + " but got " + matching
                    + "; all requests: " + requests);
        }
        return matching.get(0);
    }

    /** Waits (polling every 10 ms) until some request matches; fails the test after the timeout. */
    Recorded await(Predicate<Recorded> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Recorded request : requests) {
                if (condition.test(request)) {
                    return request;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no matching request within " + timeout + "; requests: " + requests);
    }

    Recorded await(String method, String pathRegex, Duration timeout) throws InterruptedException {
        return await(r -> r.is(method, pathRegex), timeout);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            URI uri = exchange.getRequestURI();
            Recorded request = new Recorded(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime());
            requests.add(request);
            Answer answer = routes.stream()
                    .filter(route -> route.method().equals(request.method())
                            && route.path().matcher(request.path()).matches())
                    .findFirst()
                    .map(route -> route.handler().answer(request))
                    .orElseGet(() -> Answer.problem(404, "urn:controlplane:problem:route-not-found", "No route"));
            if (!answer.delay().isZero()) {
                Thread.sleep(answer.delay().toMillis());
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            if (answer.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            }
            exchange.getResponseHeaders().set("x-request-id", "fake-" + requests.size());
            if (answer.status() == 204 || bytes.length == 0) {
                exchange.sendResponseHeaders(answer.status(), -1);
            } else {
                exchange.sendResponseHeaders(answer.status(), bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A lease answer as docs/openapi.yaml describes it. */
    static String leaseJson(String leaseId, String jobId, long epoch, String config, boolean resumed,
                            String checkpoints) {
        return """
                {"leaseId":"%s","jobId":"%s","epoch":%d,"expiresAt":"2030-01-01T00:00:00Z",
                 "spec":{"name":"contoso/Alpha to fabrikam/Beta","tier":"Premium","region":"westeurope",
                         "kind":"Migrate","requiredCapabilities":["azure-devops"],
                         "source":{"type":"Simulated","url":"https://dev.azure.com/contoso","project":"Alpha"},
                         "target":{"type":"Simulated","url":"https://dev.azure.com/fabrikam","project":"Beta"},
                         "config":%s,"policy":{"maxRetries":3,"preemptible":true}},
                 "organisations":["dev.azure.com:contoso","dev.azure.com:fabrikam"],
                 "checkpoints":%s,"resumed":%s}
                """.formatted(leaseId, jobId, epoch, config, checkpoints, resumed);
    }

    /** Hands {@code leaseJson} out once, then answers 204 like an idle control plane. */
    static Handler leaseOnce(String leaseJson) {
        List<Boolean> given = new ArrayList<>();
        return request -> {
            synchronized (given) {
                if (given.isEmpty()) {
                    given.add(true);
                    return Answer.json(leaseJson);
                }
            }
            return Answer.noContent(Duration.ofMillis(50));
        };
    }
}
