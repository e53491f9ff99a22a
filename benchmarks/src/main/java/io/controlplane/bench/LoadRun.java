package io.controlplane.bench;

import io.controlplane.domain.JobSpecs;
import io.controlplane.simulator.AgentConfig;
import io.controlplane.simulator.SimulatedAgent;
import io.controlplane.testing.Azurite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load run: many concurrent clients poll their jobs' status and submit new ones, at a stated
 * request rate, over HTTP to one standalone host on Azurite, while simulated agents lease, report
 * progress and complete the jobs. Prints status-query and submit latency percentiles, the achieved
 * rates, submit throughput and the error count. Run with scripts/load.sh; results are kept in
 * docs/benchmarks.md.
 */
public final class LoadRun {

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(16)).build();
    private final Stats status = new Stats();
    private final Stats submit = new Stats();
    private final Stats list = new Stats();
    private final AtomicInteger errors = new AtomicInteger();
    private final Map<String, AtomicInteger> errorKinds = new ConcurrentHashMap<>();
    private final List<String> jobIds = new CopyOnWriteArrayList<>();

    public static void main(String[] args) throws Exception {
        System.setProperty("LOG_LEVEL", "WARN");
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int clients = Integer.parseInt(opts.getOrDefault("clients", "50"));
        int rate = Integer.parseInt(opts.getOrDefault("rate", "200"));
        int submitPercent = Integer.parseInt(opts.getOrDefault("submit-percent", "5"));
        int agents = Integer.parseInt(opts.getOrDefault("agents", "20"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "60"));
        String rates = opts.get("rates");
        String waiters = opts.get("waiters");
        try {
            if (rates != null || waiters != null) {
                new LoadRun().sweep(clients, parse(rates == null ? String.valueOf(rate) : rates), submitPercent, agents,
                        parse(waiters == null ? "0" : waiters), seconds);
            } else {
                new LoadRun().run(clients, rate, submitPercent, agents, seconds);
            }
        } finally {
            Azurite.shared().close();
        }
        System.exit(0);
    }

    private static List<Integer> parse(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    /**
     * Status reads at each rate (open loop), first with no agents waiting, then with each number of
     * waiting agents: registered agents that no job fits, each keeping one long poll open (as real
     * idle agents do, asking again as soon as one is answered). One table row per pair.
     */
    private void sweep(int clients, List<Integer> rates, int submitPercent, int agents, List<Integer> waiterCounts, int seconds)
            throws Exception {
        System.out.printf("# Load sweep%n%nmachine: %d cores, %d MiB max heap, Java %s, Azurite in memory (node), one standalone host,"
                        + " clients, agents and waiters in the same JVM%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        System.out.printf("load: %d clients (%d%% submissions, 5%% list pages, the rest status reads of their own jobs), %d simulated"
                + " agents; each rate %d s after a 5 s warm-up%n%n", clients, submitPercent, agents, seconds);
        int most = waiterCounts.stream().mapToInt(Integer::intValue).max().orElse(0);
        try (BenchInstance instance = new BenchInstance(Files.createTempDirectory("cp-load"), new RequestCounter(), "load",
                Map.of("PROGRESS_MIN_INTERVAL_MS", "2000", "LEASE_SECONDS", "3600", "HEARTBEAT_SECONDS", "600",
                        "AGENT_OFFLINE_SECONDS", "3600"))) {
            List<SimulatedAgent> fleet = startAgents(instance, agents);
            String[] tokens = new String[clients];
            for (int c = 0; c < clients; c++) {
                tokens[c] = instance.token("tenant-" + (c % 10), "client-" + c, "Jobs.Submit", "Jobs.Read");
                for (int i = 0; i < 3; i++) {
                    submit(instance.uri(), tokens[c], c, null);
                }
            }
            Waiters waiting = new Waiters(instance, most);
            System.out.println("| waiting agents | rate (target) | achieved | status read GET /api/jobs/{id} | errors |");
            System.out.println("|---|---|---|---|---|");
            for (int count : waiterCounts) {
                waiting.hold(count);
                for (int rate : rates) {
                    drive(instance.uri(), tokens, rate, submitPercent, 5, true);
                    status.clear();
                    errors.set(0);
                    long started = System.nanoTime();
                    int sent = drive(instance.uri(), tokens, rate, submitPercent, seconds, false);
                    double elapsed = (System.nanoTime() - started) / 1e9;
                    System.out.printf("| %d (polls answered meanwhile: %d, failed: %d) | %d/s | %.0f/s | %s | %d %s |%n", count,
                            waiting.answered.getAndSet(0), waiting.failed.getAndSet(0), rate, sent / elapsed, status.summary(),
                            errors.get(), errorKinds);
                    errorKinds.clear();
                }
            }
            waiting.hold(0);
            fleet.forEach(SimulatedAgent::kill);
        }
    }

    /**
     * Agents that wait: registered with a capability no job needs, each with one long poll open at a
     * time on a client of its own (HTTP/1.1: a connection per poll, as separate agents have).
     */
    private static final class Waiters {
        private final BenchInstance instance;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String token;
        private final AtomicInteger answered = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private volatile int holding;

        Waiters(BenchInstance instance, int count) throws Exception {
            this.instance = instance;
            this.token = instance.token("provider", "waiting-fleet", "Agents.Run");
            Semaphore inFlight = new Semaphore(64);
            List<CompletableFuture<?>> registered = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                inFlight.acquire();
                registered.add(client.sendAsync(HttpRequest.newBuilder(instance.uri().resolve("/api/agents/waiter-" + i))
                                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"region\":\"westeurope\",\"capabilities\":[\"git\"]}")).build(),
                        HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> inFlight.release()));
            }
            registered.forEach(CompletableFuture::join);
        }

        /** Keeps {@code count} agents' polls open (0: lets them end); waits for storage to settle when adding. */
        void hold(int count) throws InterruptedException {
            int before = holding;
            holding = count;
            for (int i = before; i < count; i++) {
                poll(i);
            }
            if (count > before) {
                Thread.sleep(30_000); // each first claim is a few storage round trips: let them all park
            }
        }

        private void poll(int i) {
            if (i >= holding) {
                return;
            }
            client.sendAsync(HttpRequest.newBuilder(instance.uri().resolve("/api/agents/waiter-" + i + "/lease?waitSeconds=25"))
                            .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (e == null && (r.statusCode() == 204 || r.statusCode() == 200)) {
                            answered.incrementAndGet();
                            poll(i);
                        } else {
                            // As an agent does: back off after a failed poll rather than hammer a busy host.
                            failed.incrementAndGet();
                            CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS).execute(() -> poll(i));
                        }
                    });
        }
    }

    private void run(int clients, int rate, int submitPercent, int agents, int seconds) throws Exception {
        System.out.printf("# Load run%n%nmachine: %d cores, %d MiB max heap, Java %s, Azurite in memory (node), one standalone host,"
                        + " clients and agents in the same JVM%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
        System.out.printf("load: %d clients at %d requests/s in total (%d%% submissions, 5%% list pages, the rest status"
                + " reads of their own jobs), %d simulated agents, %d s after a 10 s warm-up%n%n", clients, rate, submitPercent, agents, seconds);
        try (BenchInstance instance = new BenchInstance(Files.createTempDirectory("cp-load"), new RequestCounter(), "load",
                Map.of("PROGRESS_MIN_INTERVAL_MS", "2000"))) {
            List<SimulatedAgent> fleet = startAgents(instance, agents);
            String[] tokens = new String[clients];
            for (int c = 0; c < clients; c++) {
                tokens[c] = instance.token("tenant-" + (c % 10), "client-" + c, "Jobs.Submit", "Jobs.Read");
            }
            // Seed: every client has a few jobs to poll before the clock starts.
            for (int c = 0; c < clients; c++) {
                for (int i = 0; i < 3; i++) {
                    submit(instance.uri(), tokens[c], c, null);
                }
            }
            drive(instance.uri(), tokens, rate, submitPercent, 10, true);
            int submittedBefore = jobIds.size();
            long started = System.nanoTime();
            int sent = drive(instance.uri(), tokens, rate, submitPercent, seconds, false);
            double elapsed = (System.nanoTime() - started) / 1e9;
            int completed = fleet.stream().mapToInt(a -> a.log().completedJobs().size()).sum();
            fleet.forEach(SimulatedAgent::kill);

            System.out.println("| figure | value |");
            System.out.println("|---|---|");
            System.out.printf("| requests sent (achieved rate) | %d (%.0f/s, target %d/s) |%n", sent, sent / elapsed, rate);
            System.out.printf("| status query GET /api/jobs/{id} | %s |%n", status.summary());
            System.out.printf("| list page GET /api/jobs?limit=20 | %s |%n", list.summary());
            System.out.printf("| submit POST /api/jobs | %s |%n", submit.summary());
            System.out.printf("| submit throughput | %.1f jobs/s (%d accepted) |%n", (jobIds.size() - submittedBefore) / elapsed,
                    jobIds.size() - submittedBefore);
            System.out.printf("| jobs completed by the agents meanwhile (incl. warm-up) | %d |%n", completed);
            System.out.printf("| errors (non-2xx or transport) | %d %s |%n", errors.get(), errorKinds);
        }
    }

    private List<SimulatedAgent> startAgents(BenchInstance instance, int agents) {
        List<SimulatedAgent> fleet = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            String id = "load-agent-" + i;
            String token = instance.token("provider", id, "Agents.Run");
            fleet.add(new SimulatedAgent(AgentConfig.builder(id).capabilities(List.of("azure-devops")).slots(2)
                    .jobDuration(Duration.ofSeconds(2)).progressInterval(Duration.ofMillis(500))
                    .heartbeatInterval(Duration.ofSeconds(10)).checkpointInterval(Duration.ofSeconds(1))
                    .leaseWaitSeconds(20).build(), instance.uri(), () -> token));
        }
        fleet.forEach(SimulatedAgent::start);
        return fleet;
    }

    /**
     * Sends requests at {@code rate} per second for {@code seconds}, each on its own schedule slot
     * (open loop: a slow answer does not slow the senders), from {@code tokens.length} clients.
     */
    private int drive(URI base, String[] tokens, int rate, int submitPercent, int seconds, boolean warmUp) throws Exception {
        ScheduledSender sender = new ScheduledSender(rate);
        ExecutorService workers = Executors.newFixedThreadPool(Math.min(64, tokens.length));
        AtomicInteger sent = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            sender.awaitNextSlot();
            int client = ThreadLocalRandom.current().nextInt(tokens.length);
            int dice = ThreadLocalRandom.current().nextInt(100);
            sent.incrementAndGet();
            workers.execute(() -> {
                try {
                    if (dice < submitPercent) {
                        submit(base, tokens[client], client, warmUp ? null : submit);
                    } else if (dice < submitPercent + 5) {
                        timed(base, tokens[client], "/api/jobs?limit=20", warmUp ? null : list);
                    } else {
                        String id = jobIds.get(ThreadLocalRandom.current().nextInt(jobIds.size()));
                        timed(base, tokenOf(tokens, id), "/api/jobs/" + id.substring(id.indexOf(':') + 1), warmUp ? null : status);
                    }
                } catch (Exception e) {
                    error(e.getClass().getSimpleName());
                }
            });
        }
        workers.shutdown();
        workers.awaitTermination(2, TimeUnit.MINUTES);
        return sent.get();
    }

    /** Job ids are kept as "client:jobId" so a status read uses the token of the job's tenant. */
    private static String tokenOf(String[] tokens, String entry) {
        return tokens[Integer.parseInt(entry.substring(0, entry.indexOf(':')))];
    }

    private void submit(URI base, String token, int client, Stats stats) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/api/jobs")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JobSpecs.API_EXAMPLE)).build(),
                HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - t;
        if (r.statusCode() != 201) {
            error("submit " + r.statusCode());
            return;
        }
        if (stats != null) {
            stats.add(took);
        }
        int at = r.body().indexOf("\"id\":\"") + 6;
        jobIds.add(client + ":" + r.body().substring(at, r.body().indexOf('"', at)));
    }

    private void timed(URI base, String token, String path, Stats stats) throws Exception {
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - t;
        if (r.statusCode() != 200) {
            error("GET " + r.statusCode());
            return;
        }
        if (stats != null) {
            stats.add(took);
        }
    }

    private void error(String kind) {
        errors.incrementAndGet();
        errorKinds.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Paces the senders at a fixed rate, catching up (without bursts beyond a second) when behind. */
    private static final class ScheduledSender {
        private final long intervalNanos;
        private long next = System.nanoTime();

        ScheduledSender(int rate) {
            this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
        }

        void awaitNextSlot() throws InterruptedException {
            long now = System.nanoTime();
            next = Math.max(next + intervalNanos, now - TimeUnit.SECONDS.toNanos(1));
            long wait = next - now;
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }
}
