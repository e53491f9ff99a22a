package io.controlplane.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.api.Json;
import io.controlplane.domain.JobSpecs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --only events}: live events fanned out to many watchers of one standalone host (HTTP,
 * Azurite). One agent sends progress reports one after another, first with no watcher, then with
 * {@code --watchers} streams of its tenant open: how long a report takes the agent in each phase
 * (the ratio is the fan-out's cost to agents), how long each report takes to reach each watcher,
 * whether every watcher got every report, and the storage requests per report in each phase.
 */
final class EventsBenchmark {

    private static final Pattern PERCENT = Pattern.compile("\"percent\":([0-9.]+)");
    private final ObjectMapper json = Json.mapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private EventsBenchmark() {
    }

    static int run(Map<String, String> opts) throws Exception {
        int watchers = Integer.parseInt(opts.getOrDefault("watchers", "500"));
        int reports = Integer.parseInt(opts.getOrDefault("reports", "200"));
        return new EventsBenchmark().measure(watchers, reports);
    }

    /** One watcher: the time each progress report (by its percent) reached it. */
    private final class Watcher implements Flow.Subscriber<String> {
        private final Map<Double, Long> sent;
        private final Stats delivery;
        private final CountDownLatch open = new CountDownLatch(1);
        private final AtomicLong received = new AtomicLong();

        Watcher(Map<Double, Long> sent, Stats delivery) {
            this.sent = sent;
            this.delivery = delivery;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("retry: ")) {
                open.countDown();
            } else if (line.startsWith("data: ") && line.contains("\"type\":\"progress\"")) {
                long now = System.nanoTime();
                // Only the percent is read (a full parse per event would load the watchers' side of this JVM).
                Matcher percent = PERCENT.matcher(line);
                Long at = percent.find() ? sent.get(Double.parseDouble(percent.group(1))) : null;
                if (at != null) {
                    delivery.add(now - at);
                    received.incrementAndGet();
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }

    private int measure(int watcherCount, int reports) throws Exception {
        RequestCounter counter = new RequestCounter();
        try (BenchInstance instance = new BenchInstance(Files.createTempDirectory("cp-events"), counter, "events")) {
            URI base = instance.uri();
            String agent = instance.token("provider", "agent-1", "Agents.Run");
            String client = instance.token("contoso", "client", "Jobs.Submit", "Jobs.Read");
            send(base, "PUT", "/api/agents/agent-1", agent,
                    "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"],\"slots\":1}");
            send(base, "POST", "/api/jobs", client, JobSpecs.API_EXAMPLE);
            String leaseId = json.readTree(send(base, "POST", "/api/agents/agent-1/lease?waitSeconds=10", agent, null))
                    .get("leaseId").asText();

            Map<Double, Long> sent = new ConcurrentHashMap<>();
            Stats alone = new Stats();
            long before = counter.total();
            report(base, agent, leaseId, 0, reports, sent, alone);
            double requestsAlone = (counter.total() - before) / (double) reports;

            Stats delivery = new Stats();
            List<Watcher> watchers = new ArrayList<>();
            for (int i = 0; i < watcherCount; i++) {
                Watcher w = new Watcher(sent, delivery);
                watchers.add(w);
                http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/events")).header("Authorization", "Bearer " + client)
                        .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.fromLineSubscriber(w));
            }
            for (Watcher w : watchers) {
                if (!w.open.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("a watcher's stream did not open");
                }
            }
            Stats watched = new Stats();
            before = counter.total();
            long started = System.nanoTime();
            report(base, agent, leaseId, reports, reports, sent, watched);
            long expected = (long) watcherCount * reports;
            for (int i = 0; i < 600 && delivered(watchers) < expected; i++) {
                Thread.sleep(50);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double requestsWatched = (counter.total() - before) / (double) reports;
            long got = delivered(watchers);

            System.out.printf("%n# Live events: one agent's progress reports fanned out to watchers (standalone host, HTTP, Azurite)%n%n");
            System.out.printf("commit %s; %d cores, Java %s; %d reports per phase, sent one after another; %d watchers of the tenant "
                            + "(Server-Sent Events, one connection each)%n%n", GitHead.commit(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), reports, watcherCount);
            System.out.printf("| phase | report p50 | report p99 | delivered | delivery p50 | delivery p99 | storage requests per report |%n");
            System.out.printf("|---|---:|---:|---:|---:|---:|---:|%n");
            System.out.printf("| no watcher | %.1f ms | %.1f ms | - | - | - | %.2f |%n", alone.percentileMillis(50),
                    alone.percentileMillis(99), requestsAlone);
            System.out.printf("| %d watchers | %.1f ms | %.1f ms | %d / %d | %.1f ms | %.1f ms | %.2f |%n", watcherCount,
                    watched.percentileMillis(50), watched.percentileMillis(99), got, expected, delivery.percentileMillis(50),
                    delivery.percentileMillis(99), requestsWatched);
            System.out.printf("%nreport p50 with watchers / without: %.2f x; %.0f events delivered per second over %.1f s%n",
                    watched.percentileMillis(50) / alone.percentileMillis(50), got / seconds, seconds);
            return got == expected ? 0 : 1;
        }
    }

    private static long delivered(List<Watcher> watchers) {
        return watchers.stream().mapToLong(w -> w.received.get()).sum();
    }

    /** Sends {@code count} progress reports, each timed; their percents follow {@code offset}. */
    private void report(URI base, String agent, String leaseId, int offset, int count, Map<Double, Long> sent, Stats took)
            throws Exception {
        for (int i = 1; i <= count; i++) {
            double percent = (offset + i) / 10.0;
            long at = System.nanoTime();
            sent.put(percent, at);
            send(base, "POST", "/api/leases/" + leaseId + "/progress", agent, "{\"percent\":" + percent + "}");
            took.add(System.nanoTime() - at);
        }
    }

    private String send(URI base, String method, String path, String token, String body) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }
}
