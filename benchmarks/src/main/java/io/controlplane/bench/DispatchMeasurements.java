package io.controlplane.bench;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.controlplane.app.Caller;
import io.controlplane.app.LeaseGrant;
import io.controlplane.app.RegisterAgent;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.Tier;
import io.controlplane.simulator.AgentClient;
import io.controlplane.simulator.AgentConfig;
import io.controlplane.simulator.Command;
import io.controlplane.simulator.HeldLease;
import io.controlplane.simulator.IdMapping;
import io.controlplane.simulator.Lease;
import io.controlplane.simulator.Registration;
import io.controlplane.simulator.ReleaseReason;
import io.controlplane.simulator.SimulatedAgent;
import io.controlplane.testing.Azurite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The measurements of {@link DispatchBenchmark}, each on a {@link BenchInstance} (or the shared
 * Azurite) into the {@link Stats} it is given: storage round trips, assignment and preemption
 * latency through the agent API, mapping ingest against naive inserts, claim latency and the raw
 * head-of-tier query, and the prefilling and draining of queues they need. Prints nothing.
 */
final class DispatchMeasurements {

    private static final String REGION = BenchInstance.REGION;

    private final RequestCounter counter;
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param counter counts the storage requests of every instance measured (mapping ingest reads it) */
    DispatchMeasurements(RequestCounter counter) {
        this.counter = counter;
    }

    void storageRoundTrip(int samples, Stats read, Stats write) {
        TableClient table = new TableServiceClientBuilder().connectionString(Azurite.shared().connectionString())
                .buildClient().createTableIfNotExists("rtt" + System.nanoTime());
        TableEntity entity = new TableEntity("p", "r").addProperty("Value", "x".repeat(200));
        table.upsertEntity(entity);
        for (int i = 0; i < 20; i++) {
            table.getEntity("p", "r");
        }
        for (int i = 0; i < samples; i++) {
            long t = System.nanoTime();
            table.getEntity("p", "r");
            read.add(System.nanoTime() - t);
            t = System.nanoTime();
            table.upsertEntity(entity);
            write.add(System.nanoTime() - t);
        }
    }

    void assignmentLatency(BenchInstance instance, int samples, int bystanders, Stats assignment, Stats submit,
                           Stats status) throws Exception {
        String agentId = "bench-waiter";
        AgentClient agent = new AgentClient(instance.uri(), () -> instance.token("provider", agentId, "Agents.Run"));
        agent.register(agentId, new Registration(REGION, "shared", List.of("azure-devops"), 1));
        String client = instance.token("contoso", "bench-client", "Jobs.Submit", "Jobs.Read");
        AtomicBoolean waiting = new AtomicBoolean(true);
        ExecutorService idle = Executors.newFixedThreadPool(Math.max(1, bystanders));
        for (int i = 0; i < bystanders; i++) {
            String id = "bench-idle-" + i;
            AgentClient other = new AgentClient(instance.uri(), () -> instance.token("provider", id, "Agents.Run"));
            other.register(id, new Registration(REGION, "shared", List.of("tfs"), 1));
            idle.submit(() -> {
                while (waiting.get()) {
                    other.lease(id, 25);
                }
                return null;
            });
        }
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < samples + 10; i++) {
                Future<Optional<Lease>> pending = waiter.submit(() -> agent.lease(agentId, 30));
                Thread.sleep(30);
                long t0 = System.nanoTime();
                HttpResponse<String> created = post(instance.uri(), "/api/jobs", client, JobSpecs.API_EXAMPLE);
                long submitted = System.nanoTime();
                Lease lease = pending.get(60, TimeUnit.SECONDS).orElseThrow(() -> new IllegalStateException("no lease"));
                long leased = System.nanoTime();
                if (created.statusCode() != 201) {
                    throw new IllegalStateException("submit failed: " + created.body());
                }
                long s0 = System.nanoTime();
                HttpResponse<String> read = http.send(HttpRequest.newBuilder(instance.uri().resolve("/api/jobs/" + lease.jobId()))
                        .header("Authorization", "Bearer " + client).GET().build(), HttpResponse.BodyHandlers.ofString());
                long s1 = System.nanoTime();
                if (read.statusCode() != 200) {
                    throw new IllegalStateException("status read failed: " + read.statusCode());
                }
                if (i >= 10) { // warm-up excluded
                    assignment.add(leased - t0);
                    submit.add(submitted - t0);
                    status.add(s1 - s0);
                }
                agent.complete(lease.leaseId(), lease.epoch());
            }
        } finally {
            waiting.set(false);
            waiter.shutdownNow();
            idle.shutdownNow();
        }
    }

    void prefillUntakeable(BenchInstance instance, int count) throws Exception {
        prefill(instance, count, JobSpecs.aJobSpec().withTier(Tier.Premium).withCapabilities("git-lfs").build());
    }

    void preemptionLatency(BenchInstance instance, int samples, Stats stats) throws Exception {
        String agentId = "bench-victim";
        AgentClient agent = new AgentClient(instance.uri(), () -> instance.token("provider", agentId, "Agents.Run"));
        agent.register(agentId, new Registration(REGION, "shared", List.of("azure-devops"), 1));
        String client = instance.token("contoso", "bench-client", "Jobs.Submit", "Jobs.Read");
        String standard = JobSpecs.API_EXAMPLE.replace("\"Premium\"", "\"Standard\"");
        String platinum = JobSpecs.API_EXAMPLE.replace("\"Premium\"", "\"Platinum\"");
        ExecutorService beats = Executors.newSingleThreadExecutor();
        try {
            preemptions(instance, agent, agentId, client, standard, platinum, samples, stats, beats);
        } finally {
            beats.shutdownNow();
        }
    }

    private void preemptions(BenchInstance instance, AgentClient agent, String agentId, String client, String standard,
                             String platinum, int samples, Stats stats, ExecutorService beats) throws Exception {
        for (int i = 0; i < samples + 2; i++) {
            post(instance.uri(), "/api/jobs", client, standard);
            Lease victim = agent.lease(agentId, 10).orElseThrow(() -> new IllegalStateException("no victim lease"));
            List<HeldLease> held = List.of(new HeldLease(victim.leaseId(),
                    victim.epoch()));
            agent.heartbeat(agentId, held);
            // The victim waits in its heartbeat, as the reference agent does: the stop is pushed to it.
            Future<List<Command>> beat = beats.submit(() -> agent.heartbeat(agentId, held, 10));
            Thread.sleep(30);
            long t0 = System.nanoTime();
            post(instance.uri(), "/api/jobs", client, platinum);
            boolean released = false;
            while (!released) {
                for (var command : beat.get(30, TimeUnit.SECONDS)) {
                    if (command.type() == Command.Type.PREEMPT) {
                        agent.release(victim.leaseId(), victim.epoch(), ReleaseReason.PREEMPTED);
                        released = true;
                    }
                }
                if (!released) {
                    beat = beats.submit(() -> agent.heartbeat(agentId, held, 10));
                }
            }
            Lease next = agent.lease(agentId, 10).orElseThrow(() -> new IllegalStateException("no platinum lease"));
            long took = System.nanoTime() - t0;
            if (i >= 2) {
                stats.add(took);
            }
            agent.complete(next.leaseId(), next.epoch());
            Lease back = agent.lease(agentId, 10).orElseThrow(() -> new IllegalStateException("victim not requeued"));
            agent.complete(back.leaseId(), back.epoch());
        }
    }

    /**
     * Pairs per second through the API's batched, two-way writes, and with naive single inserts
     * (two entities per pair, one request each). Rounds alternate, API then naive, after one
     * unmeasured round of each, so that both rates see the same load of a shared box and a warm JIT.
     * Each round writes a fresh scope (a new job's, for the API), both ways alike: Azurite finds an
     * entity by scanning its partition (LokiJS), so every insert into a partition costs more the
     * more it holds, which on Azure it does not.
     */
    MappingIngest mappingIngest(BenchInstance instance, int pairs) throws Exception {
        String agentId = "bench-mapper";
        AgentClient agent = new AgentClient(instance.uri(), () -> instance.token("provider", agentId, "Agents.Run"));
        agent.register(agentId, new Registration(REGION, "shared", List.of("azure-devops"), 1));
        TableClient naive = new TableServiceClientBuilder().connectionString(Azurite.shared().connectionString())
                .buildClient().createTableIfNotExists("naive" + System.nanoTime());
        int rounds = 5;
        long apiNanos = 0;
        long naiveNanos = 0;
        Map<String, Long> mappingRequests = new TreeMap<>();
        Map<String, Long> requests = new TreeMap<>();
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            String scope = "bench-scope-" + (round + 1);
            post(instance.uri(), "/api/jobs", instance.token("contoso", "c", "Jobs.Submit"),
                    JobSpecs.API_EXAMPLE.replace("contoso-alpha-to-fabrikam-beta", scope));
            Lease lease = agent.lease(agentId, 10).orElseThrow();
            Thread.sleep(1000); // the submission's and the last completion's background work ends first: counts are the call's
            List<IdMapping> items = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                items.add(new IdMapping("workitem", "r" + round + "-" + i, "t" + round + "-" + i));
            }
            counter.reset();
            counter.watch(instance.prefix + "mappings");
            long t = System.nanoTime();
            agent.mappings(lease.leaseId(), lease.epoch(), items);
            long api = System.nanoTime() - t;
            Map<String, Long> mapped = counter.watchedSnapshot();
            counter.watch(null);
            Map<String, Long> all = counter.snapshot();
            t = System.nanoTime();
            for (int i = 0; i < pairs; i++) {
                naive.createEntity(new TableEntity("contoso|" + scope, "f|workitem|" + i).addProperty("TargetId", "t" + i));
                naive.createEntity(new TableEntity("contoso|" + scope, "r|workitem|t" + i).addProperty("SourceId", String.valueOf(i)));
            }
            long single = System.nanoTime() - t;
            agent.complete(lease.leaseId(), lease.epoch());
            if (round >= 0) {
                apiNanos += api;
                naiveNanos += single;
                mapped.forEach((k, v) -> mappingRequests.merge(k, v, Long::sum));
                all.forEach((k, v) -> requests.merge(k, v, Long::sum));
            }
        }
        double thousands = rounds * pairs / 1000.0;
        return new MappingIngest(rounds * pairs / (apiNanos / 1e9), rounds * pairs / (naiveNanos / 1e9),
                mappingRequests.values().stream().mapToLong(Long::longValue).sum() / thousands, mappingRequests,
                requests.values().stream().mapToLong(Long::longValue).sum() / thousands, requests);
    }

    void prefill(BenchInstance instance, int count, boolean platinum) throws Exception {
        prefill(instance, count, JobSpecs.aJobSpec().withTier(platinum ? Tier.Platinum
                : Tier.Standard).build());
    }

    private void prefill(BenchInstance instance, int count, JobSpec spec) throws Exception {
        Caller client = new Caller("contoso", "bench-client", Set.of("Jobs.Submit"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(() -> instance.controlPlane.app().submitJob().submit(client, spec)));
        }
        for (Future<?> f : futures) {
            f.get(10, TimeUnit.MINUTES);
        }
        pool.shutdown();
    }

    int drain(BenchInstance instance, int jobs, int agents) throws Exception {
        List<SimulatedAgent> fleet = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            String id = "bench-" + i;
            String token = instance.token("provider", id, "Agents.Run");
            fleet.add(new SimulatedAgent(AgentConfig.builder(id).capabilities(List.of("azure-devops"))
                    .jobDuration(Duration.ofMillis(1)).progressInterval(Duration.ofSeconds(10))
                    .heartbeatInterval(Duration.ofSeconds(10)).checkpointInterval(Duration.ofMinutes(10))
                    .leaseWaitSeconds(5).build(), instance.uri(), () -> token));
        }
        fleet.forEach(SimulatedAgent::start);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        int done = 0;
        while (System.nanoTime() < deadline) {
            done = fleet.stream().mapToInt(a -> a.log().completedJobs().size()).sum();
            if (done >= jobs) {
                break;
            }
            Thread.sleep(100);
        }
        fleet.forEach(SimulatedAgent::kill);
        return done;
    }

    void claimLatency(BenchInstance instance, int claims, Stats stats) {
        String agentId = "bench-claimer";
        Caller agent = new Caller("provider", agentId, Set.of("Agents.Run"));
        var app = instance.controlPlane.app();
        app.registerAgent().register(agent, agentId,
                new RegisterAgent.Registration(REGION, "shared", Set.of("azure-devops"), 1));
        for (int i = 0; i < claims + 5; i++) {
            long t = System.nanoTime();
            LeaseGrant grant;
            try {
                grant = app.leaseWork().lease(agent, agentId, 0).orElseThrow(() -> new IllegalStateException("nothing to claim"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            long took = System.nanoTime() - t;
            if (i >= 5) {
                stats.add(took);
            }
            app.finishJob().complete(agent, grant.leaseId());
        }
    }

    /** The storage cost a claim cannot avoid: one head-of-tier range query, timed alone. */
    Stats headQuery(BenchInstance instance, int samples) {
        TableClient ready = new TableServiceClientBuilder().connectionString(Azurite.shared().connectionString())
                .buildClient().getTableClient(instance.prefix + "ready");
        Stats stats = new Stats();
        var options = new ListEntitiesOptions()
                .setFilter("PartitionKey eq '" + REGION + "' and RowKey ge '2|' and RowKey lt '2}'").setTop(25);
        for (int i = 0; i < samples; i++) {
            long t = System.nanoTime();
            ready.listEntities(options, null, null).iterableByPage().iterator().next();
            stats.add(System.nanoTime() - t);
        }
        return stats;
    }

    private HttpResponse<String> post(URI base, String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
