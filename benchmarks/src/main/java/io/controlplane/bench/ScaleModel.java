package io.controlplane.bench;

import io.controlplane.adapters.memory.InMemoryAgentStore;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.adapters.memory.InMemoryLeaseExpiries;
import io.controlplane.adapters.memory.InMemoryMappingStore;
import io.controlplane.adapters.memory.InMemoryReadyQueue;
import io.controlplane.adapters.memory.InMemoryTenantStore;
import io.controlplane.app.Caller;
import io.controlplane.app.PreemptionChecks;
import io.controlplane.app.UseCases;
import io.controlplane.config.DispatchSettings;
import io.controlplane.config.TenancySettings;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * host ({@code app.LocalDispatch}) handles them: at once where published and again when the queue
 * delivers them, each Platinum or Premium one followed by a preemption check after the preemption
 * delay. Phases: idle (no jobs), busy (a steady submission rate, jobs of
 * 30–120 s), and busy with a deep queue of jobs no agent can take. Prints per phase the hottest
 * partition (peak and mean entities/s), the top five, storage calls per second and per agent per
 * minute, and what made each hot second; exits non-zero when a partition's peak exceeds the limit
 * (1,000 entities/s: half of Azure Table Storage's 2,000 per partition). The agents are
 * {@link ScaleFleet}'s, the figures printed by {@link ScaleReport}; this class drives the steps:
 * the clock, submissions, the host's intake and timers.
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
    static final int STEPS_PER_SECOND = 10;
    private static final String UNTAKEABLE = "jira";

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
    /** When the host's delayed preemption checks are due (ControlPlane's timer), in order. */
    private final PriorityBlockingQueue<Instant> preemptionChecks = new PriorityBlockingQueue<>();
    /** The host's own pacing of those checks (one pending per region, 50 ms apart). */
    private final PreemptionChecks checks = new PreemptionChecks();
    private final EventCounts events = new EventCounts();
    private UseCases app;
    private ScaleFleet fleet;
    private int submitted;
    private long maxLagMillis;

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
        fleet = new ScaleFleet(app, clock, random, events, agentCount);
        ScalePhase warmup = new ScalePhase("warm-up (registrations, first polls; not checked)", 0, warmupSeconds, false);
        ScalePhase idle = new ScalePhase("idle: " + agentCount + " agents, no jobs", warmup.to(), warmup.to() + idleSeconds, true);
        ScalePhase busy = new ScalePhase("busy: " + rate + " jobs/s submitted, 30-120 s each", idle.to(), idle.to() + busySeconds,
                true);
        ScalePhase deep = new ScalePhase("busy + deep queue: " + rate + " jobs/s, and " + deepJobs + " untakeable jobs queued ("
                + rate + "/s from the phase's start)", busy.to(), busy.to() + deepSeconds, true);
        long realStart = System.nanoTime();
        try {
            int steps = deep.to() * STEPS_PER_SECOND;
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
        return new ScaleReport(tally, agentCount, tenantCount, speed, preemptionOnIntake)
                .print(List.of(warmup, idle, busy, deep), realSeconds, maxLagMillis, events);
    }

    /** One 100 ms step ending at {@code t} simulated seconds. */
    private void step(int step, double t, ScalePhase warmup, ScalePhase busy, ScalePhase deep) {
        Instant now = clock.instant();
        if (step == 0) {
            for (int n = 0; n < tenantCount; n++) {
                app.admin().entitle(new TenantEntitlement(tenant(n), Tier.Platinum, Set.of(REGION), null, 1000,
                        Set.of("kv-contoso"), Set.of()));
            }
        }
        // Registrations: spread over the first two thirds of the warm-up.
        int registerSteps = Math.max(1, warmup.to() * STEPS_PER_SECOND * 2 / 3);
        if (step < registerSteps) {
            fleet.register(step, registerSteps);
        }
        // Submissions.
        if (t > busy.from()) {
            submitAtRate(step, rate, false);
        }
        if (t > deep.from() && submitted < deepJobs) {
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
        fleet.endOverduePolls(now);
        fleet.handleAnswers();
        // Heartbeats: each agent every 15 s, spread evenly.
        fleet.heartbeats(step);
        // Jobs: progress every 10 s, completion at the end.
        fleet.work(now);
        if (step % (10 * STEPS_PER_SECOND) == 5 * STEPS_PER_SECOND && (reconciling == null || reconciling.isDone())) {
            // The host's timer (ControlPlane.reconcile): the pass, then the purge when due, on a thread
            // of its own, so a pass that paces itself (lease expiries, 100 a second) spreads over
            // simulated seconds while the agents act on, as in a host.
            reconciling = CompletableFuture.runAsync(() -> {
                app.reconcile().run();
                app.retention().purgeIfDue();
            }, reconcileTimer);
        }
        fleet.handleAnswers();
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
            events.count("submit refused: " + e.getClass().getSimpleName());
        }
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
     * The intake queue of the region's one instance, as the host wires it ({@code app.EchoingIntake}, with {@code echoIntake}):
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
