package io.controlplane.bench;

import io.controlplane.adapters.memory.InMemoryAgentStore;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.adapters.memory.InMemoryLeaseExpiries;
import io.controlplane.adapters.memory.InMemoryMappingStore;
import io.controlplane.adapters.memory.InMemoryReadyQueue;
import io.controlplane.adapters.memory.InMemoryTenantStore;
import io.controlplane.ports.AgentCommand;
import io.controlplane.app.AgentHeartbeat;
import io.controlplane.app.Caller;
import io.controlplane.app.LeaseGrant;
import io.controlplane.app.PreemptionChecks;
import io.controlplane.app.RegisterAgent;
import io.controlplane.app.UseCases;
import io.controlplane.config.DispatchSettings;
import io.controlplane.config.TenancySettings;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.function.Consumer;

/**
 * A scale model of one region: the real use cases and dispatcher ({@link UseCases#builder}) on the
 * in-memory stores, each port wrapped to count the entities every call touches per partition and
 * per second ({@link CountingStores}, {@link PartitionTally}), and 5,000 simulated agents acting
 * as agents do: heartbeats every 15 s naming their leases, long polls of 25 s asked again as soon
 * as one ends, progress (with a batch of ID mappings) every 10 s of a job, completion; the
 * reconcile pass every 10 s (with the retention purge when due). Intake messages are handled as the
 * host ({@code ControlPlane}) handles them: at once where published and again when the queue
 * delivers them, each Platinum or Premium one followed by a preemption check after the preemption
 * delay. Phases: idle (no jobs), busy (a steady submission rate, jobs of
 * 30–120 s), and busy with a deep queue of jobs no agent can take. Prints per phase the hottest
 * partition (peak and mean entities/s), the top five, storage calls per second and per agent per
 * minute, and what made each hot second; exits non-zero when a partition's peak exceeds the limit
 * (1,000 entities/s: half of Azure Table Storage's 2,000 per partition).
 *
 * <p>Time: the domain clock is a {@link MutableClock} moved in 100 ms steps. A few things in the
 * control plane pace themselves by the JVM's own time ({@code System.nanoTime}), not the domain
 * clock: long-poll deadlines, the dispatcher's tick and its look at the ready heads (every
 * {@code DISPATCH_POLL_MS}) and full re-read (every 60 s), and how long an agent record copy is
 * reused. So the steps are paced to wall time ({@code --speed 1}, the default: one simulated second
 * per real second) and those mechanisms run at their true rates; with a higher speed they run
 * relatively less often and their traffic is undercounted. Long polls are parked with a 25 s wait
 * as real agents ask, and the model ends each one itself when its 25 simulated seconds pass (as
 * the host answers a timed-out poll: empty), so a poll never outlives its simulated deadline.
 */
public final class ScaleModel {

    static final String REGION = "westeurope";
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    /** Half of Azure Table Storage's scalability target of 2,000 entities per second per partition. */
    static final long LIMIT = 1000;
    private static final Duration STEP = Duration.ofMillis(100);
    private static final int STEPS_PER_SECOND = 10;
    private static final int WAIT_SECONDS = 25;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final int MAPPINGS_PER_REPORT = 20;
    private static final String UNTAKEABLE = "jira";
    /** {@code Reconcile.EXPIRIES_PER_PASS} (package-private there). */
    private static final int EXPIRIES_PER_PASS = 500;

    /** Agent kinds: capabilities and their share of the fleet. */
    private static final List<Set<String>> AGENT_KINDS = List.of(
            Set.of("azure-devops", "git"), Set.of("azure-devops"), Set.of("azure-devops", "tfs", "git"), Set.of("git"));
    private static final int[] AGENT_KIND_SHARE = {45, 30, 15, 10};

    private final int agentCount;
    private final int tenantCount;
    private final int rate;
    private final int warmupSeconds;
    private final int idleSeconds;
    private final int busySeconds;
    private final int deepSeconds;
    private final int deepJobs;
    private final double speed;
    private final boolean preemptionOnIntake;
    private final Random random = new Random(7);

    private final MutableClock clock = new MutableClock(T0);
    private final ExecutorService reconcileTimer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scale-model-reconcile");
        t.setDaemon(true);
        return t;
    });
    private volatile CompletableFuture<Void> reconciling;
    private final PartitionTally tally;
    private final ConcurrentLinkedQueue<IntakeMessage> intakeMessages = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    /** When the host's delayed preemption checks are due (ControlPlane's timer), in order. */
    private final PriorityBlockingQueue<Instant> preemptionChecks = new PriorityBlockingQueue<>();
    /** The host's own pacing of those checks (one pending per region, 50 ms apart). */
    private final PreemptionChecks checks = new PreemptionChecks();
    private final List<SimAgent> agents = new ArrayList<>();
    private final Map<String, Long> events = new TreeMap<>();
    private UseCases app;
    private int submitted;
    private long maxLagMillis;

    /** One phase of the run: seconds {@code [from, to)} of the tally. */
    private record Phase(String name, int from, int to, boolean checked) {
        int seconds() {
            return to - from;
        }
    }

    /** A poll's answer, handed from whichever thread completed it to the model's loop. */
    private record Answer(SimAgent agent, CompletableFuture<Optional<LeaseGrant>> poll, Optional<LeaseGrant> grant,
                          Throwable failure) {
    }

    private static final class Running {
        final String leaseId;
        final String jobId;
        final Instant endsAt;
        Instant nextProgress;
        int reports;

        Running(String leaseId, String jobId, Instant endsAt, Instant nextProgress) {
            this.leaseId = leaseId;
            this.jobId = jobId;
            this.endsAt = endsAt;
            this.nextProgress = nextProgress;
        }
    }

    private static final class SimAgent {
        final String id;
        final Caller caller;
        final Set<String> capabilities;
        final int slots;
        final int beatPhase;
        boolean registered;
        CompletableFuture<Optional<LeaseGrant>> poll;
        Instant pollDeadline;
        final List<Running> running = new ArrayList<>();

        SimAgent(String id, Set<String> capabilities, int slots, int beatPhase) {
            this.id = id;
            this.caller = new Caller("provider", "sp-" + id, Set.of("Agents.Run"));
            this.capabilities = capabilities;
            this.slots = slots;
            this.beatPhase = beatPhase;
        }
    }

    private ScaleModel(Map<String, String> opts) {
        agentCount = Integer.parseInt(opts.getOrDefault("agents", "5000"));
        tenantCount = Integer.parseInt(opts.getOrDefault("tenants", "50"));
        rate = Integer.parseInt(opts.getOrDefault("rate", "50"));
        warmupSeconds = Integer.parseInt(opts.getOrDefault("warmup", "30"));
        idleSeconds = Integer.parseInt(opts.getOrDefault("idle", "60"));
        busySeconds = Integer.parseInt(opts.getOrDefault("busy", "120"));
        deepSeconds = Integer.parseInt(opts.getOrDefault("deep-seconds", "100"));
        deepJobs = Integer.parseInt(opts.getOrDefault("deep", "2000"));
        speed = Double.parseDouble(opts.getOrDefault("speed", "1"));
        preemptionOnIntake = !"false".equals(opts.get("preemption-on-intake"));
        tally = new PartitionTally(clock, T0, warmupSeconds + idleSeconds + busySeconds + deepSeconds + 1);
    }

    public static void main(String[] args) {
        System.setProperty("LOG_LEVEL", "WARN");
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        System.exit(run(opts));
    }

    /**
     * Runs the model and prints its figures.
     *
     * @param opts {@code agents, tenants, rate} (jobs/s), phase lengths in seconds ({@code warmup,
     *     idle, busy, deep-seconds}), {@code deep} (untakeable jobs), {@code speed} (simulated
     *     seconds per real second; 0: unpaced), {@code preemption-on-intake} ({@code false}: leave out
     *     the host's preemption check after a Platinum or Premium intake, to see the use cases alone)
     * @return 0 when every checked phase's hottest partition stays within {@link #LIMIT}, else 1
     */
    static int run(Map<String, String> opts) {
        return new ScaleModel(opts).simulate();
    }

    private int simulate() {
        UseCases.Stores memory = new UseCases.Stores(new InMemoryJobStore(), new InMemoryAgentStore(), new InMemoryReadyQueue(),
                new InMemoryTenantStore(), new InMemoryMappingStore(), new InMemoryLeaseExpiries());
        DispatchSettings settings = DispatchSettings.defaults();
        app = UseCases.builder(CountingStores.wrap(memory, tally), new Intake(), Set.of(REGION)).dispatch(settings)
                .tenancy(TenancySettings.from(Map.of(TenancySettings.REQUIRE_ENTITLEMENT, "true"))).clock(clock).build();
        for (int i = 0; i < agentCount; i++) {
            agents.add(new SimAgent(String.format("agent-%05d", i), kind(i), 1, i % (15 * STEPS_PER_SECOND)));
        }
        Phase warmup = new Phase("warm-up (registrations, first polls; not checked)", 0, warmupSeconds, false);
        Phase idle = new Phase("idle: " + agentCount + " agents, no jobs", warmup.to, warmup.to + idleSeconds, true);
        Phase busy = new Phase("busy: " + rate + " jobs/s submitted, 30-120 s each", idle.to, idle.to + busySeconds, true);
        Phase deep = new Phase("busy + deep queue: " + rate + " jobs/s, and " + deepJobs + " untakeable jobs queued ("
                + rate + "/s from the phase's start)", busy.to, busy.to + deepSeconds, true);
        long realStart = System.nanoTime();
        try {
            int steps = deep.to * STEPS_PER_SECOND;
            for (int step = 0; step < steps; step++) {
                clock.advance(STEP);
                double t = (step + 1) / (double) STEPS_PER_SECOND;
                step(step, t, warmup, busy, deep);
                pace(realStart, step + 1);
            }
        } finally {
            if (reconciling != null) {
                reconciling.join();
            }
            reconcileTimer.shutdown();
            app.close();
        }
        double realSeconds = (System.nanoTime() - realStart) / 1e9;
        return report(List.of(warmup, idle, busy, deep), realSeconds);
    }

    private Set<String> kind(int i) {
        int slot = i % 100;
        int acc = 0;
        for (int k = 0; k < AGENT_KINDS.size(); k++) {
            acc += AGENT_KIND_SHARE[k];
            if (slot < acc) {
                return AGENT_KINDS.get(k);
            }
        }
        return AGENT_KINDS.get(0);
    }

    /** One 100 ms step ending at {@code t} simulated seconds. */
    private void step(int step, double t, Phase warmup, Phase busy, Phase deep) {
        Instant now = clock.instant();
        if (step == 0) {
            for (int n = 0; n < tenantCount; n++) {
                app.admin().entitle(new TenantEntitlement(tenant(n), Tier.Platinum, Set.of(REGION), null, 1000,
                        Set.of("kv-contoso"), Set.of()));
            }
        }
        // Registrations: spread over the first two thirds of the warm-up.
        int registerSteps = Math.max(1, warmup.to * STEPS_PER_SECOND * 2 / 3);
        if (step < registerSteps) {
            int from = (int) ((long) agentCount * step / registerSteps);
            int to = (int) ((long) agentCount * (step + 1) / registerSteps);
            for (SimAgent a : agents.subList(from, to)) {
                app.registerAgent().register(a.caller, a.id, new RegisterAgent.Registration(REGION, "shared", a.capabilities,
                        a.slots));
                a.registered = true;
                poll(a);
            }
        }
        // Submissions.
        if (t > busy.from) {
            submitAtRate(step, rate, false);
        }
        if (t > deep.from && submitted < deepJobs) {
            submitAtRate(step, rate, true);
        }
        for (IntakeMessage m; (m = intakeMessages.poll()) != null; ) {
            onIntake(m); // the queue delivers what this instance published back to it (one instance per region)
        }
        while (!preemptionChecks.isEmpty() && !preemptionChecks.peek().isAfter(now)) {
            preemptionChecks.poll();
            checks.running(REGION, now);
            app.preemption().run(REGION);
        }
        // Polls whose 25 simulated seconds are over end empty, as the host answers them.
        for (SimAgent a : agents) {
            if (a.poll != null && !a.poll.isDone() && !a.pollDeadline.isAfter(now)) {
                a.poll.complete(Optional.empty());
            }
        }
        handleAnswers();
        // Heartbeats: each agent every 15 s, spread evenly.
        int beatSlot = step % (15 * STEPS_PER_SECOND);
        for (SimAgent a : agents) {
            if (a.registered && a.beatPhase == beatSlot) {
                heartbeat(a);
            }
        }
        // Jobs: progress every 10 s, completion at the end.
        for (SimAgent a : agents) {
            if (!a.running.isEmpty()) {
                work(a, now);
            }
        }
        if (step % (10 * STEPS_PER_SECOND) == 5 * STEPS_PER_SECOND && (reconciling == null || reconciling.isDone())) {
            // The host's timer (ControlPlane.reconcile): the pass, then the purge when due, on a thread
            // of its own, so a pass that paces itself (lease expiries, 100 a second) spreads over
            // simulated seconds while the agents act on, as in a host.
            reconciling = CompletableFuture.runAsync(() -> {
                app.reconcile().run();
                app.retention().purgeIfDue();
            }, reconcileTimer);
        }
        handleAnswers();
    }

    private void submitAtRate(int step, int perSecond, boolean untakeable) {
        int inStep = step % STEPS_PER_SECOND;
        int n = perSecond * (inStep + 1) / STEPS_PER_SECOND - perSecond * inStep / STEPS_PER_SECOND;
        for (int i = 0; i < n; i++) {
            if (untakeable && submitted++ >= deepJobs) {
                return;
            }
            submit(untakeable);
        }
    }

    private static String tenant(int n) {
        return String.format("tenant-%02d", n);
    }

    private int jobNumber;

    private void submit(boolean untakeable) {
        int n = jobNumber++;
        int roll = random.nextInt(100);
        Tier tier = roll < 60 ? Tier.Standard : roll < 90 ? Tier.Premium : Tier.Platinum;
        int caps = random.nextInt(100);
        String[] capabilities = untakeable ? new String[] {"azure-devops", UNTAKEABLE}
                : caps < 70 ? new String[] {"azure-devops"} : caps < 90 ? new String[] {"git"} : new String[] {"azure-devops", "tfs"};
        String tenant = tenant(n % tenantCount);
        JobSpec spec = JobSpecs.aJobSpec().withTier(tier).withCapabilities(capabilities)
                .withName("scale model job " + n).withMappingScope("scope-" + (n / tenantCount) % 10).build();
        try {
            app.submitJob().submit(new Caller(tenant, "user@" + tenant, Set.of("Jobs.Submit", "Jobs.Read")), spec);
        } catch (RuntimeException e) {
            event("submit refused: " + e.getClass().getSimpleName());
        }
    }

    private void poll(SimAgent a) {
        CompletableFuture<Optional<LeaseGrant>> poll;
        try {
            poll = app.leaseWork().leaseAsync(a.caller, a.id, WAIT_SECONDS);
        } catch (RuntimeException e) {
            event("poll failed: " + e.getClass().getSimpleName());
            return;
        }
        a.poll = poll;
        a.pollDeadline = clock.instant().plusSeconds(WAIT_SECONDS);
        event("polls");
        poll.whenComplete((grant, failure) -> answers.add(new Answer(a, poll, grant, failure)));
    }

    private void handleAnswers() {
        Instant now = clock.instant();
        for (Answer answer; (answer = answers.poll()) != null; ) {
            SimAgent a = answer.agent();
            if (a.poll == answer.poll()) {
                a.poll = null;
            }
            if (answer.failure() != null) {
                event("poll answered with " + answer.failure().getClass().getSimpleName());
            } else if (answer.grant() != null && answer.grant().isPresent()) {
                LeaseGrant g = answer.grant().get();
                Duration length = Duration.ofSeconds(30 + random.nextInt(91));
                a.running.add(new Running(g.leaseId(), g.job().id(), now.plus(length), now.plus(PROGRESS_EVERY)));
                event("leases granted");
            }
            if (a.poll == null && a.running.size() < a.slots) {
                poll(a);
            }
        }
    }

    private void heartbeat(SimAgent a) {
        List<String> named = a.running.stream().map(r -> r.leaseId).toList();
        AgentHeartbeat.Beat beat;
        try {
            beat = app.heartbeat().beat(a.caller, a.id, named);
        } catch (RuntimeException e) {
            event("heartbeat failed: " + e.getClass().getSimpleName());
            return;
        }
        event("heartbeats");
        for (AgentCommand c : beat.commands()) {
            switch (c.type()) {
                case "cancel" -> {
                    a.running.removeIf(r -> r.leaseId.equals(c.leaseId()));
                    event("leases cancelled (" + c.reason() + ")");
                }
                case "preempt", "pause" -> {
                    try {
                        app.releaseLease().release(a.caller, c.leaseId(), c.type().equals("preempt") ? "preempted" : "paused");
                        event("leases released (" + c.type() + ")");
                    } catch (RuntimeException e) {
                        event("release failed: " + e.getClass().getSimpleName());
                    }
                    a.running.removeIf(r -> r.leaseId.equals(c.leaseId()));
                }
                default -> {
                }
            }
        }
        if (a.poll == null && a.running.size() < a.slots) {
            poll(a);
        }
    }

    private void work(SimAgent a, Instant now) {
        for (Running r : List.copyOf(a.running)) {
            if (!r.endsAt.isAfter(now)) {
                try {
                    app.finishJob().complete(a.caller, r.leaseId);
                    event("jobs completed");
                } catch (RuntimeException e) {
                    event("complete failed: " + e.getClass().getSimpleName());
                }
                a.running.remove(r);
            } else if (!r.nextProgress.isAfter(now)) {
                r.nextProgress = now.plus(PROGRESS_EVERY);
                r.reports++;
                try {
                    app.reportProgress().report(a.caller, r.leaseId, Math.min(99, r.reports * 10.0),
                            Map.of("workItems", (long) r.reports * MAPPINGS_PER_REPORT), "migrating");
                    // Work items of this job's source project, each to a new id in its target (a scope is shared
                    // by several jobs of the tenant, so ids are the job's own).
                    List<IdMapping> items = new ArrayList<>();
                    for (int i = 0; i < MAPPINGS_PER_REPORT; i++) {
                        long item = (long) r.reports * MAPPINGS_PER_REPORT + i;
                        items.add(new IdMapping("WorkItem", r.jobId + "-" + item, r.jobId + "-" + (item + 100_000)));
                    }
                    app.recordMappings().record(a.caller, r.leaseId, items);
                    event("progress reports");
                } catch (RuntimeException e) {
                    event("progress failed: " + e.getClass().getSimpleName());
                }
            }
        }
        if (a.poll == null && a.running.size() < a.slots) {
            poll(a);
        }
    }

    private void event(String what) {
        events.merge(what, 1L, Long::sum);
    }

    /** Keeps simulated time at {@code speed} × wall time (the JVM-time pacing in the control plane stays true). */
    private void pace(long realStart, int stepsDone) {
        if (speed <= 0) {
            return;
        }
        long due = realStart + (long) (stepsDone * STEP.toNanos() / speed);
        long ahead = due - System.nanoTime();
        if (ahead > 0) {
            try {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            maxLagMillis = Math.max(maxLagMillis, -ahead / 1_000_000);
        }
    }

    // ---- report -------------------------------------------------------------------------------

    private int report(List<Phase> phases, double realSeconds) {
        System.out.printf("%n# Scale model: one region (%s), %,d agents, in-memory stores, simulated clock%n%n", REGION, agentCount);
        System.out.printf("machine: %d cores, Java %s; %.0f simulated s in %.0f real s (speed %s, max lag behind wall time %d ms)%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), (double) phases.get(phases.size() - 1).to,
                realSeconds, speed <= 0 ? "unpaced" : speed, maxLagMillis);
        System.out.printf("limit: %,d entities/s per partition (half of Azure Table Storage's 2,000)%n", LIMIT);
        System.out.printf("agents: %,d in %s, 1 slot each, capabilities %s (%%: 45/30/15/10); %d tenants; defaults of DispatchSettings%n",
                agentCount, REGION, AGENT_KINDS, tenantCount);
        System.out.printf("host: intake handled at once and on delivery; preemption check after a Platinum/Premium intake: %s%n",
                preemptionOnIntake ? "yes (as ControlPlane.onIntake)" : "no (--preemption-on-intake false)");
        System.out.printf("events: %s%n", events);
        boolean within = true;
        List<String> over = new ArrayList<>();
        for (Phase phase : phases) {
            List<PartitionTally.Load> loads = tally.loads(phase.from, phase.to);
            long calls = tally.calls(phase.from, phase.to);
            System.out.printf("%n## %s (simulated seconds %d-%d)%n%n", phase.name, phase.from, phase.to);
            if (loads.isEmpty()) {
                System.out.println("no storage calls");
                continue;
            }
            PartitionTally.Load hottest = loads.get(0);
            System.out.printf("| hottest partition | %s: peak %,d entities/s (second %d), mean %,.1f entities/s |%n",
                    hottest.partition(), hottest.peak(), hottest.peakSecond(), hottest.mean());
            System.out.printf("| storage calls | %,.1f calls/s mean, %,d peak; %,.2f per agent per minute%s |%n",
                    calls / (double) phase.seconds(), tally.peakCalls(phase.from, phase.to),
                    calls / (double) agentCount / (phase.seconds() / 60.0), phase.name.startsWith("idle") ? " (every agent idle)" : "");
            System.out.println();
            System.out.println("| partition | peak entities/s | mean entities/s |");
            System.out.println("|---|---:|---:|");
            for (PartitionTally.Load l : loads.subList(0, Math.min(5, loads.size()))) {
                System.out.printf("| %s | %,d | %,.1f |%n", l.partition(), l.peak(), l.mean());
            }
            long[] due = tally.explain(new PartitionTally.Partition(CountingStores.LEASES, REGION), phase.from, phase.to).entrySet()
                    .stream().filter(e -> e.getKey().endsWith(CountingStores.LEASES + ".due")).map(Map.Entry::getValue)
                    .reduce(new long[2], (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
            if (due[1] > 0) {
                System.out.printf("%nlease-expiry index: %d reconcile passes read %,d due entries, %,.0f a pass (at most %d a pass)%n",
                        due[1], due[0], due[0] / (double) due[1], EXPIRIES_PER_PASS);
            }
            System.out.printf("%nwhat touched %s in its peak second %d (entities, calls):%n", hottest.partition(), hottest.peakSecond());
            explain(tally.explain(hottest.partition(), hottest.peakSecond()), "  ");
            System.out.printf("what touched it over the phase (entities, calls):%n");
            explain(tally.explain(hottest.partition(), phase.from, phase.to), "  ");
            if (phase.checked) {
                for (PartitionTally.Load l : loads) {
                    if (l.peak() > LIMIT) {
                        if (l != hottest) {
                            System.out.printf("also above the limit: %s, in its peak second %d (entities, calls):%n", l.partition(),
                                    l.peakSecond());
                            explain(tally.explain(l.partition(), l.peakSecond()), "  ");
                        }
                        within = false;
                        over.add(String.format("%s: %s peak %,d entities/s", phase.name.split(":")[0], l.partition(), l.peak()));
                    }
                }
            }
        }
        System.out.println();
        if (within) {
            System.out.printf("scale model: PASS, every checked phase's hottest partition within %,d entities/s%n", LIMIT);
            return 0;
        }
        System.out.printf("scale model: FAIL, above %,d entities/s: %s%n", LIMIT, over);
        return 1;
    }

    private static void explain(Map<String, long[]> byOrigin, String indent) {
        byOrigin.entrySet().stream()
                .sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                .limit(8)
                .forEach(e -> System.out.printf("%s%,8d %,7d  %s%n", indent, e.getValue()[0], e.getValue()[1], e.getKey()));
    }

    /**
     * What the host does with an intake message ({@code ControlPlane.onIntake}): the dispatcher learns
     * of the job and, for Platinum and Premium, a preemption check runs after the preemption delay
     * (+ 50 ms), in case no agent took it.
     */
    private void onIntake(IntakeMessage m) {
        app.dispatcher().intake(m);
        if (preemptionOnIntake && m.tier() != Tier.Standard) {
            checks.request(REGION, clock.instant().plus(app.dispatchSettings().preemptAfter()))
                    .ifPresent(preemptionChecks::add);
        }
    }

    /**
     * The intake queue of the region's one instance, as the host wires it ({@code ControlPlane.LocalEcho}):
     * a message is handled here at once, and the queue delivers it (to this instance) a step later.
     */
    private final class Intake implements IntakeQueue {
        @Override
        public void publish(IntakeMessage message) {
            intakeMessages.add(message);
            onIntake(message);
        }

        @Override
        public Subscription subscribe(Consumer<IntakeMessage> handler) {
            return () -> {
            };
        }
    }
}
