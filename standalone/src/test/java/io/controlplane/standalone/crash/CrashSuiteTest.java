package io.controlplane.standalone.crash;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.adapters.tables.TableStorage;
import io.controlplane.api.Json;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Page;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import io.controlplane.simulator.SimulatorMain;
import io.controlplane.standalone.StandaloneHost;
import io.controlplane.testing.Azurite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The crash suite: the standalone host, a persistent Azurite and simulated agents, all real
 * processes, run a few hundred jobs while the test kills the control plane with -9 in the middle of
 * dispatch (and restarts it), kills agent processes with -9 in the middle of their jobs (and starts
 * replacements, with the same agent ids and with new ones), and restarts Azurite on its data. Then,
 * read from storage and checked against what every agent was told: each job ended exactly once, as
 * expected (Completed, or Failed for the jobs made to fail); no lease was granted while another
 * was live; no acknowledged checkpoint or mapping is missing, and each completed job holds exactly
 * the checkpoint and the mappings of its work. The counts of the run are printed (a line starting
 * {@code crash-suite:}), and appended to the file {@code -Dcrash.countsFile} names.
 *
 * <p>Knobs (system properties): {@code crash.jobs} (default 240), {@code crash.agentProcesses}
 * (3; 3 agents of 2 slots each), {@code crash.keep} (keep the logs and Azurite data of a passing
 * run too). A failed run keeps its logs and Azurite data under {@code target/crash-suite/}.
 */
@Tag("crash")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CrashSuiteTest {

    private static final String TENANT = "crashco";
    private static final String TABLE_PREFIX = "crash";
    private static final int JOBS = Integer.getInteger("crash.jobs", 240);
    private static final int AGENT_PROCESSES = Integer.getInteger("crash.agentProcesses", 3);
    private static final int AGENTS_PER_PROCESS = 3;
    private static final int SLOTS = 2;
    private static final Duration ALL_DONE_WITHIN = Duration.ofMinutes(6);
    /** The control plane's LEASE_SECONDS: short, so that lost work comes back within seconds. */
    private static final Duration LEASE = Duration.ofSeconds(5);
    /** No job finishing for this long means the run is stuck: stop waiting and report. */
    private static final Duration STALLED_AFTER = Duration.ofSeconds(60);

    private final ObjectMapper json = Json.mapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AgentProcess> agents = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> chaos = new ArrayList<>();
    private Path work;
    private Instant deadline;
    private Azurite azurite;
    private JavaProcess host;
    private int hostStarts;
    private int port;
    private Path keyFile;
    private DevIssuer issuer;
    private JobStore store;
    private int controlPlaneKills;
    private int agentKills;
    private int jobsInterruptedByAgentKills;
    private int azuriteRestarts;
    private boolean passed;

    /** A simulator process and its events. */
    private record AgentProcess(String prefix, JavaProcess process, AgentEvents events) {
    }

    /** Stops what this test started should its JVM be stopped before {@link #stopEverything()} runs. */
    private final Thread orphanGuard = new Thread(this::killProcesses, "crash-suite-orphans");

    @AfterEach
    void stopEverything() throws IOException {
        killProcesses();
        try {
            Runtime.getRuntime().removeShutdownHook(orphanGuard);
        } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNeverAdded) {
            // nothing to remove
        }
        if (work == null) {
            return;
        }
        if (passed && !Boolean.getBoolean("crash.keep")) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } else {
            System.out.println("crash-suite: logs and Azurite data of the run kept in " + work);
        }
    }

    private synchronized void killProcesses() {
        agents.stream().map(AgentProcess::process).filter(JavaProcess::isAlive).forEach(JavaProcess::crash);
        if (host != null && host.isAlive()) {
            host.crash();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void everyJobEndsExactlyOnceThroughCrashesOfTheControlPlaneTheAgentsAndStorage() throws Exception {
        Runtime.getRuntime().addShutdownHook(orphanGuard);
        Instant started = Instant.now();
        deadline = started.plus(ALL_DONE_WITHIN);
        work = Files.createDirectories(Path.of("target", "crash-suite", "run-" + System.currentTimeMillis()).toAbsolutePath());
        azurite = Azurite.start(work.resolve("azurite"));
        keyFile = work.resolve("dev-issuer-key.json");
        issuer = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
        store = TableStorage.connect(azurite.connectionString(), null, TABLE_PREFIX, json).jobStore();
        port = Azurite.freePort();
        startHost();

        // The Standard jobs first; the Premium and Platinum ones once every slot is busy with those,
        // so that waiting higher tiers preempt running lower-tier jobs (release after a final
        // checkpoint, resume elsewhere) while the crashes happen.
        List<StoredOutcome.Expected> expected = new ArrayList<>(submitJobs(n -> n % 3 == 0));
        for (int p = 1; p <= AGENT_PROCESSES; p++) {
            startAgents("crash-a" + p);
        }
        Instant busyBy = Instant.now().plusSeconds(60);
        while (leasesReceived() < (long) AGENT_PROCESSES * AGENTS_PER_PROCESS * SLOTS && Instant.now().isBefore(busyBy)) {
            Thread.sleep(50);
        }
        expected.addAll(submitJobs(n -> n % 3 != 0));

        // Each crash once the share of finished jobs passes its mark, so each lands in a busy run.
        atShareDone(0.15, () -> killTheControlPlaneMidDispatch(Duration.ZERO));
        atShareDone(0.30, () -> killAnAgentMidJob(true));
        atShareDone(0.45, this::restartAzurite);
        atShareDone(0.60, () -> {
            killAnAgentMidJob(false);
            // down longer than a lease: every running job's lease expires meanwhile
            killTheControlPlaneMidDispatch(LEASE.plusSeconds(2));
        });
        atShareDone(0.75, () -> {
            killAnAgentMidJob(true);
            restartAzurite();
        });
        long finished = awaitFinished(JOBS);
        Duration toFinish = Duration.between(started, Instant.now());

        agents.stream().map(AgentProcess::process).filter(JavaProcess::isAlive).forEach(JavaProcess::stop);
        host.stop();
        List<AgentEvents.Event> events = new ArrayList<>();
        agents.forEach(a -> events.addAll(a.events().refresh().events()));
        TableStorage storage = TableStorage.connect(azurite.connectionString(), null, TABLE_PREFIX, json);
        StoredOutcome outcome = new StoredOutcome(storage.jobStore(), storage.mappingStore(), TENANT, json);
        outcome.check(expected, events);
        report(outcome.counts(), expected.stream().filter(e -> e.state() == JobState.Failed).count(), finished, toFinish,
                Duration.between(started, Instant.now()));

        List<String> violations = outcome.violations();
        org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
        soft.assertThat(violations).as(violations.size() + " violations, the first 40:\n"
                + String.join("\n", violations.subList(0, Math.min(40, violations.size())))).isEmpty();
        soft.assertThat(finished).as("jobs finished within " + ALL_DONE_WITHIN + " (crashes: " + chaos + ")").isEqualTo(JOBS);
        soft.assertThat(controlPlaneKills).as("control-plane kills").isEqualTo(2);
        soft.assertThat(agentKills).as("agent kills").isEqualTo(3);
        soft.assertThat(jobsInterruptedByAgentKills).as("agents were killed in the middle of jobs").isPositive();
        soft.assertThat(azuriteRestarts).as("Azurite restarts").isEqualTo(2);
        soft.assertAll();
        passed = true;
    }

    // --- the jobs ---

    /**
     * The jobs {@code which} picks of 0..{@link #JOBS}: mixed tiers, 1.5 to 3.5 s each (every other
     * Standard one 6 to 9 s), 5 to 24 work items (so as many mappings); every 25th job is made to
     * fail (not retryable) at 40 percent.
     */
    private List<StoredOutcome.Expected> submitJobs(java.util.function.IntPredicate which) throws Exception {
        String token = issuer.token(TENANT, "crash-client", List.of("Jobs.Submit", "Jobs.Read"), Duration.ofHours(2));
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        try {
            List<Future<StoredOutcome.Expected>> submitted = new ArrayList<>();
            for (int n = 0; n < JOBS; n++) {
                int job = n;
                if (which.test(n)) {
                    submitted.add(submitters.submit(() -> submit(token, job)));
                }
            }
            List<StoredOutcome.Expected> expected = new ArrayList<>();
            for (Future<StoredOutcome.Expected> f : submitted) {
                expected.add(f.get(2, TimeUnit.MINUTES));
            }
            return expected;
        } finally {
            submitters.shutdownNow();
        }
    }

    private StoredOutcome.Expected submit(String token, int n) throws Exception {
        boolean fails = n % 25 == 7;
        int workItems = 5 + (n * 7) % 20;
        String scope = "crash-job-" + n;
        ObjectNode spec = JobSpecs.validSpecJson();
        spec.put("name", "crash suite job " + n);
        spec.put("tier", new String[] {"Standard", "Premium", "Platinum"}[n % 3]);
        spec.put("mappingScope", scope);
        // Every other Standard job runs longer, so that it is still running when the higher tiers
        // arrive and may be preempted.
        int durationMs = n % 6 == 0 ? 6000 + (n * 7919) % 3000 : 1500 + (n * 7919) % 2000;
        ObjectNode simulation = spec.putObject("config").putObject("simulation")
                .put("durationMs", durationMs).put("workItems", workItems);
        if (fails) {
            simulation.put("failAtPercent", 40).put("failRetryable", false);
        }
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(base().resolve("/api/jobs"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(spec.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json.readTree(created.body()).get("id").asText();
        return new StoredOutcome.Expected(id, fails ? JobState.Failed : JobState.Completed, workItems, scope);
    }

    // --- the crashes ---

    private interface Step {
        void run() throws Exception;
    }

    private void atShareDone(double share, Step step) throws Exception {
        if (awaitFinished((long) Math.ceil(JOBS * share)) >= JOBS * share) {
            step.run();
        }
    }

    /**
     * kill -9 right after a lease was granted (agents are claiming and long-polling), then start it
     * again after {@code outage}.
     */
    private void killTheControlPlaneMidDispatch(Duration outage) throws Exception {
        long leases = leasesReceived();
        Instant deadline = Instant.now().plusSeconds(20);
        while (leasesReceived() == leases && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        host.crash();
        controlPlaneKills++;
        chaos.add("control-plane-kill(" + outage.toSeconds() + "s down)@" + finishedJobs());
        Thread.sleep(outage.toMillis());
        startHost();
    }

    /**
     * kill -9 the agent process running the most jobs, then start a replacement: with the same
     * agent ids (a restarted machine) or new ones.
     */
    private void killAnAgentMidJob(boolean sameIds) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        AgentProcess victim = null;
        int running = 0;
        while (Instant.now().isBefore(deadline)) {
            for (AgentProcess agent : agents) {
                if (!agent.process().isAlive()) {
                    continue;
                }
                int now = agent.events().refresh().runningLeases().size();
                if (now > running) {
                    running = now;
                    victim = agent;
                }
            }
            if (running > 0) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(victim).as("an agent process with running jobs").isNotNull();
        victim.process().crash();
        agentKills++;
        jobsInterruptedByAgentKills += running;
        chaos.add("agent-kill(" + victim.prefix() + ", " + running + " jobs)@" + finishedJobs());
        startAgents(sameIds ? victim.prefix() : victim.prefix() + "r" + agentKills);
    }

    /** Azurite stopped (its clean shutdown saves its data) and started again on the same data and ports. */
    private void restartAzurite() {
        azurite.restart();
        azuriteRestarts++;
        chaos.add("azurite-restart@" + finishedJobs());
    }

    // --- the processes ---

    private URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The standalone host as its own JVM, short lease timings so lost work comes back within seconds. */
    private void startHost() throws Exception {
        hostStarts++;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORT", String.valueOf(port));
        env.put("BIND_ADDRESS", "127.0.0.1");
        env.put("STORAGE_CONNECTION_STRING", azurite.connectionString());
        env.put("STORAGE_TABLE_PREFIX", TABLE_PREFIX);
        env.put("QUEUE_PREFIX", "crash-");
        env.put("CONTROLPLANE_REGIONS", "westeurope");
        env.put("AUTH_DEV_ISSUER", "true");
        env.put("DEV_ISSUER_KEY_FILE", keyFile.toString());
        env.put("CONTROLPLANE_SETTINGS_FILE", work.resolve("absent.json").toString());
        env.put("OTEL_SDK_DISABLED", "true");
        env.put("LEASE_SECONDS", String.valueOf(LEASE.toSeconds()));
        env.put("HEARTBEAT_SECONDS", "1");
        env.put("RECONCILE_SECONDS", "1");
        env.put("AGENT_OFFLINE_SECONDS", "5");
        env.put("STALE_ENTRY_GRACE_SECONDS", "5");
        env.put("STOP_GRACE_SECONDS", "5");
        env.put("PROGRESS_MIN_INTERVAL_MS", "500");
        env.put("DISPATCH_POLL_MS", "250");
        env.put("RETRY_BACKOFF_BASE_SECONDS", "1");
        env.put("PREEMPT_AFTER_SECONDS", "1"); // higher tiers waiting behind running lower-tier jobs preempt them
        host = JavaProcess.start("host-" + hostStarts, work.resolve("host-" + hostStarts + ".log"),
                List.of("-XX:+UseSerialGC", "-Xmx384m"), StandaloneHost.class.getName(), List.of(), env);
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            assertThat(host.isAlive()).as("host start: " + Files.readString(host.output())).isTrue();
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(base().resolve("/api/health/ready"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("host not ready in 90 s: " + Files.readString(host.output()));
    }

    /** A simulator process of {@value #AGENTS_PER_PROCESS} agents ({@code prefix-1..}), {@value #SLOTS} slots each. */
    private void startAgents(String prefix) {
        String token = issuer.token("provider", "crash-agents", List.of("Agents.Run"), Duration.ofHours(2));
        Path log = work.resolve("agents-" + prefix + "-" + agents.size() + ".log");
        List<String> args = List.of("--url", base().toString(), "--agents", String.valueOf(AGENTS_PER_PROCESS),
                "--id-prefix", prefix, "--capabilities", "azure-devops", "--slots", String.valueOf(SLOTS),
                "--job-ms", "3000", "--progress-ms", "500", "--heartbeat-ms", "1000", "--checkpoint-ms", "1000",
                "--wait-seconds", "5", "--error-backoff-ms", "500", "--token", token,
                // should this test's JVM die without stopping them, the agents still end
                "--run-seconds", String.valueOf(ALL_DONE_WITHIN.plusMinutes(5).toSeconds()));
        JavaProcess process = JavaProcess.start(prefix, log, List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xmx128m"), SimulatorMain.class.getName(), args, Map.of());
        agents.add(new AgentProcess(prefix, process, new AgentEvents(log)));
    }

    // --- watching ---

    private long leasesReceived() {
        return agents.stream().mapToLong(a -> a.events().refresh().count("lease")).sum();
    }

    private long lastFinished;

    /** Jobs in a terminal state, read from storage (the last count while storage is down). */
    private long finishedJobs() {
        try {
            long finished = 0;
            String token = null;
            do {
                Page<Job> page = store.list(TENANT, JobFilter.none(), 500, token);
                finished += page.items().stream().filter(j -> j.state().isTerminal()).count();
                token = page.continuationToken();
            } while (token != null);
            lastFinished = finished;
        } catch (RuntimeException storageDown) {
            // Azurite is restarting: keep the last count
        }
        return lastFinished;
    }

    /** Waits until {@code count} jobs are finished, the run's deadline passes or no job finishes for a minute. */
    private long awaitFinished(long count) throws InterruptedException {
        long finished = finishedJobs();
        Instant lastChange = Instant.now();
        while (finished < count && Instant.now().isBefore(deadline)
                && Instant.now().isBefore(lastChange.plus(STALLED_AFTER))) {
            Thread.sleep(500);
            long now = finishedJobs();
            if (now != finished) {
                lastChange = Instant.now();
                finished = now;
            }
        }
        return finished;
    }

    private void report(StoredOutcome.Counts c, long expectedFailures, long finished, Duration toFinish, Duration total)
            throws IOException {
        String line = String.format("crash-suite: jobs=%d finished=%d completed=%d failed=%d (expected %d) leases=%d"
                        + " resumed-from-checkpoint=%d lease-expiries=%d preemptions=%d releases=%d retries=%d grants-never-received=%d"
                        + " control-plane-kills=%d agent-kills=%d jobs-interrupted-by-agent-kills=%d azurite-restarts=%d"
                        + " double-leases=%d lost-checkpoints=%d lost-mappings=%d checkpoints-checked=%d mappings-checked=%d"
                        + " all-finished-after=%ds duration=%ds chaos=%s",
                c.jobs, finished, c.completed, c.failed, expectedFailures, c.leases, c.resumes, c.leaseExpiries,
                c.preemptions, c.releases, c.retries, c.grantsNeverReceived, controlPlaneKills, agentKills,
                jobsInterruptedByAgentKills, azuriteRestarts, c.doubleLeases, c.lostCheckpoints, c.lostMappings,
                c.checkpointsChecked, c.mappingsChecked, toFinish.toSeconds(), total.toSeconds(), chaos);
        System.out.println(line);
        String countsFile = System.getProperty("crash.countsFile");
        if (countsFile != null && !countsFile.isBlank()) {
            Files.writeString(Path.of(countsFile), line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }
}
