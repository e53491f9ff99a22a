package io.controlplane.bench;

import io.controlplane.adapters.memory.InMemoryAgentStore;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.adapters.memory.InMemoryLeaseExpiries;
import io.controlplane.adapters.memory.InMemoryMappingStore;
import io.controlplane.adapters.memory.InMemoryReadyQueue;
import io.controlplane.adapters.memory.InMemoryTenantStore;
import io.controlplane.ports.AgentCommand;
import io.controlplane.app.Caller;
import io.controlplane.app.LeaseGrant;
import io.controlplane.app.RegisterAgent;
import io.controlplane.app.UseCases;
import io.controlplane.config.DispatchSettings;
import io.controlplane.config.TenancySettings;
import io.controlplane.domain.Endpoint;
import io.controlplane.domain.EndpointType;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.OrganisationLimit;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Fair share between the tenants of a tier, measured: how long each tenant's jobs wait from
 * submission to their first lease, with {@code FAIR_SHARE} off (oldest first within a tier) and on
 * (the tenant with the fewest running jobs for its weight first: {@code scheduling/FairOrder}),
 * for one mixed workload replayed in each configuration in the same process, so the figures side by
 * side compare.
 *
 * <p>The workload (the same jobs, submission times and durations in every configuration, from one
 * seeded {@link Random}): three Standard tenants in one region; A submits a burst ({@code --a}, 300
 * by default, 10 a second from the start), B a smaller one a minute later ({@code --b}, 60), C a
 * trickle ({@code --c} jobs, one every {@code --every} seconds from second 30). Each job migrates a
 * project within one of four Azure DevOps organisations (40/30/20/10 % of the jobs), the smallest of
 * which has an operator limit of {@value #LIMIT} concurrent jobs. A fixed fleet of agents
 * ({@code --agents}, 20, one slot each) long-polls, holds a job for its duration (30–120 s),
 * completes it and asks again, heartbeating every 15 s; the host's reconcile pass runs every 10 s.
 *
 * <p>As {@link ScaleModel}: the real use cases and dispatcher ({@link UseCases#builder}) on the
 * in-memory stores, driven as agents and clients drive them, with a {@link MutableClock} moved in
 * 100 ms steps, unpaced. That is sound here because the assignments this measures are made on
 * events, at once: a submission while an agent waits is claimed for it as it is created, and an
 * agent's poll runs a dispatch round on the poll's own thread. The one hand-over off the model's
 * thread is a parked poll's wake-up ({@code LongPolls}' executor); after every step the model waits
 * for the grant of every agent whose record holds a lease it has not received, so grants arrive in
 * the simulated step their claim was made, and the clock moves on only then. The dispatcher's
 * timer, the backstop for work queued by other instances (there are none), is set to its slowest
 * ({@code DISPATCH_POLL_MS} 60,000) so that its thread does not race the model's; long polls are
 * ended by the model when their 25 simulated seconds pass, as the host answers a timed-out poll.
 */
public final class FairShareBenchmark {

    static final String REGION = "westeurope";
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    /** The operator limit on the smallest organisation's concurrent jobs. */
    static final int LIMIT = 4;
    private static final Duration STEP = Duration.ofMillis(100);
    private static final int STEPS_PER_SECOND = 10;
    private static final int WAIT_SECONDS = 25;
    private static final int HEARTBEAT_SECONDS = 15;
    private static final int RECONCILE_SECONDS = 10;
    /** Submissions per second of a burst. */
    private static final int BURST_RATE = 10;
    private static final int B_STARTS_AT = 60;
    private static final int C_STARTS_AT = 30;
    /** Simulated time after which a configuration gives up (a run that never drains is a finding, not a hang). */
    private static final Duration GIVE_UP_AFTER = Duration.ofHours(6);
    private static final List<String> TENANTS = List.of("tenant-a", "tenant-b", "tenant-c");
    /** The organisations' account names on dev.azure.com, and each one's share of the jobs (%). */
    private static final List<String> ORGANISATIONS = List.of("contoso", "fabrikam", "adventure-works", "northwind");
    private static final int[] ORGANISATION_SHARE = {40, 30, 20, 10};
    private static final String LIMITED = "dev.azure.com:northwind";

    /** One job of the workload: whose, when it is submitted (from the start), where it migrates, how long it runs. */
    private record Planned(int number, String tenant, Duration at, String organisation, Duration length) {
    }

    /** One configuration the workload is replayed in. */
    private record Mode(String name, boolean fairShare, Map<String, Integer> weights) {
    }

    /**
     * What one configuration gave: each tenant's waits (submission to first lease), when the last
     * job completed (from the first submission), and what would make the waits suspect: jobs leased
     * more than once, stop commands the agents were sent, jobs left unfinished.
     */
    private record Result(Mode mode, Map<String, Stats> waits, Duration makespan, int completed, int leasedAgain, int commands) {
    }

    private final int agentCount;
    private final int burstA;
    private final int burstB;
    private final int trickleC;
    private final int every;
    private final long seed;

    private FairShareBenchmark(Map<String, String> opts) {
        agentCount = Integer.parseInt(opts.getOrDefault("agents", "20"));
        burstA = Integer.parseInt(opts.getOrDefault("a", "300"));
        burstB = Integer.parseInt(opts.getOrDefault("b", "60"));
        trickleC = Integer.parseInt(opts.getOrDefault("c", "60"));
        every = Integer.parseInt(opts.getOrDefault("every", "20"));
        seed = Long.parseLong(opts.getOrDefault("seed", "7"));
    }

    /**
     * Replays the workload with fair share off, on with weights 1:1:1 and on with 3:1:1, and prints
     * the waits per tenant side by side.
     *
     * @param opts {@code agents}, {@code a} and {@code b} (the bursts' jobs), {@code c} (the trickle's
     *     jobs), {@code every} (seconds between the trickle's jobs), {@code seed}
     * @return 0 when every configuration completed every job, else 1
     */
    static int run(Map<String, String> opts) {
        return new FairShareBenchmark(opts).compare();
    }

    private int compare() {
        List<Planned> plan = plan();
        Map<String, Integer> even = weights(1, 1, 1);
        List<Mode> modes = List.of(new Mode("fair share off", false, even), new Mode("fair share on, 1:1:1", true, even),
                new Mode("fair share on, 3:1:1", true, weights(3, 1, 1)));
        long realStart = System.nanoTime();
        List<Result> results = new ArrayList<>();
        for (Mode mode : modes) {
            results.add(new Simulation(mode, plan).simulate());
        }
        report(plan, results, (System.nanoTime() - realStart) / 1e9);
        return results.stream().allMatch(r -> r.completed == plan.size()) ? 0 : 1;
    }

    private static Map<String, Integer> weights(int a, int b, int c) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put(TENANTS.get(0), a);
        weights.put(TENANTS.get(1), b);
        weights.put(TENANTS.get(2), c);
        return weights;
    }

    /** The workload, in submission order (the tenants' arrivals merged by time). */
    private List<Planned> plan() {
        List<Map.Entry<Duration, String>> arrivals = new ArrayList<>();
        for (int i = 0; i < burstA; i++) {
            arrivals.add(Map.entry(Duration.ofMillis(1000L * i / BURST_RATE), TENANTS.get(0)));
        }
        for (int i = 0; i < burstB; i++) {
            arrivals.add(Map.entry(Duration.ofSeconds(B_STARTS_AT).plusMillis(1000L * i / BURST_RATE), TENANTS.get(1)));
        }
        for (int i = 0; i < trickleC; i++) {
            arrivals.add(Map.entry(Duration.ofSeconds(C_STARTS_AT + (long) every * i), TENANTS.get(2)));
        }
        arrivals.sort(Map.Entry.comparingByKey()); // stable: arrivals at the same time stay in tenant order
        Random random = new Random(seed);
        List<Planned> plan = new ArrayList<>();
        for (Map.Entry<Duration, String> arrival : arrivals) {
            plan.add(new Planned(plan.size(), arrival.getValue(), arrival.getKey(), organisation(random.nextInt(100)),
                    Duration.ofSeconds(30 + random.nextInt(91))));
        }
        return plan;
    }

    private static String organisation(int roll) {
        int acc = 0;
        for (int k = 0; k < ORGANISATIONS.size(); k++) {
            acc += ORGANISATION_SHARE[k];
            if (roll < acc) {
                return ORGANISATIONS.get(k);
            }
        }
        return ORGANISATIONS.get(0);
    }

    // ---- one configuration ---------------------------------------------------------------------

    /** A poll's answer, handed from whichever thread completed it to the model's loop. */
    private record Answer(SimAgent agent, CompletableFuture<Optional<LeaseGrant>> poll, Optional<LeaseGrant> grant,
                          Throwable failure) {
    }

    private static final class SimAgent {
        final String id;
        final Caller caller;
        final int beatPhase;
        CompletableFuture<Optional<LeaseGrant>> poll;
        /** Completes once the poll's answer is queued for the model's loop. */
        CompletableFuture<?> answered;
        Instant pollDeadline;
        String leaseId;
        Instant endsAt;

        SimAgent(String id, int beatPhase) {
            this.id = id;
            this.caller = new Caller("provider", "sp-" + id, Set.of("Agents.Run"));
            this.beatPhase = beatPhase;
        }

        boolean busy() {
            return leaseId != null;
        }
    }

    /** The workload replayed once, on fresh stores, in one configuration. */
    private final class Simulation {
        private final Mode mode;
        private final List<Planned> plan;
        private final MutableClock clock = new MutableClock(T0);
        private final UseCases.Stores stores = new UseCases.Stores(new InMemoryJobStore(), new InMemoryAgentStore(),
                new InMemoryReadyQueue(), new InMemoryTenantStore(), new InMemoryMappingStore(), new InMemoryLeaseExpiries());
        private final ConcurrentLinkedQueue<IntakeMessage> intakeMessages = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        private final List<SimAgent> agents = new ArrayList<>();
        /** Each submitted job's planned duration, by job id. */
        private final Map<String, Duration> lengths = new HashMap<>();
        private final Set<String> leased = new HashSet<>();
        private final Map<String, Stats> waits = new LinkedHashMap<>();
        private UseCases app;
        private int next;
        private int completed;
        private int leasedAgain;
        private int commands;
        private Instant lastCompletion = T0;

        Simulation(Mode mode, List<Planned> plan) {
            this.mode = mode;
            this.plan = plan;
            TENANTS.forEach(t -> waits.put(t, new Stats()));
        }

        Result simulate() {
            DispatchSettings settings = DispatchSettings.from(Map.of(DispatchSettings.FAIR_SHARE, Boolean.toString(mode.fairShare),
                    DispatchSettings.DISPATCH_POLL_MS, "60000"));
            app = UseCases.builder(stores, new Intake(), Set.of(REGION)).dispatch(settings)
                    .tenancy(TenancySettings.from(Map.of(TenancySettings.REQUIRE_ENTITLEMENT, "true"))).clock(clock).build();
            try {
                mode.weights.forEach((tenant, weight) -> app.admin().entitle(new TenantEntitlement(tenant, Tier.Standard,
                        Set.of(REGION), null, 1000, Set.of("kv-contoso"), Set.of(), weight)));
                app.admin().limit(new OrganisationLimit(LIMITED, LIMIT));
                for (int i = 0; i < agentCount; i++) {
                    SimAgent a = new SimAgent(String.format("agent-%03d", i), i * HEARTBEAT_SECONDS * STEPS_PER_SECOND / agentCount);
                    agents.add(a);
                    app.registerAgent().register(a.caller, a.id, new RegisterAgent.Registration(REGION, "shared",
                            Set.of("azure-devops"), 1));
                    poll(a);
                }
                settle();
                for (int step = 0; completed < plan.size() && step < GIVE_UP_AFTER.dividedBy(STEP); step++) {
                    clock.advance(STEP);
                    step(step);
                }
            } finally {
                app.close();
            }
            return new Result(mode, waits, Duration.between(T0, lastCompletion), completed, leasedAgain, commands);
        }

        /** One 100 ms step. */
        private void step(int step) {
            Instant now = clock.instant();
            for (IntakeMessage m; (m = intakeMessages.poll()) != null; ) {
                app.dispatcher().intake(m); // the queue delivers what this instance published back to it
            }
            while (next < plan.size() && !T0.plus(plan.get(next).at).isAfter(now)) {
                submit(plan.get(next++));
            }
            for (SimAgent a : agents) {
                if (a.busy() && !a.endsAt.isAfter(now)) {
                    app.finishJob().complete(a.caller, a.leaseId);
                    a.leaseId = null;
                    completed++;
                    lastCompletion = now;
                    poll(a);
                }
            }
            int beatSlot = step % (HEARTBEAT_SECONDS * STEPS_PER_SECOND);
            for (SimAgent a : agents) {
                if (a.beatPhase == beatSlot) {
                    heartbeat(a);
                }
            }
            if (step % (RECONCILE_SECONDS * STEPS_PER_SECOND) == 0) {
                app.reconcile().run();
            }
            settle();
            // Polls whose 25 simulated seconds are over end empty, as the host answers them; the agent asks again.
            for (SimAgent a : agents) {
                if (a.poll != null && !a.poll.isDone() && !a.pollDeadline.isAfter(now)) {
                    a.poll.complete(Optional.empty());
                }
            }
            settle();
        }

        private void submit(Planned p) {
            String org = "https://dev.azure.com/" + p.organisation;
            JobSpec spec = JobSpecs.aJobSpec().withTier(Tier.Standard).withRegion(REGION).withName("fairness job " + p.number)
                    .withSource(new Endpoint(EndpointType.AzureDevOps, org, "project-" + p.number, JobSpecs.SOURCE_CREDENTIAL))
                    .withTarget(new Endpoint(EndpointType.AzureDevOps, org, "project-" + p.number + "-migrated",
                            JobSpecs.TARGET_CREDENTIAL))
                    .withMappingScope(p.tenant + "-project-" + p.number).build();
            Job job = app.submitJob().submit(new Caller(p.tenant, "user@" + p.tenant, Set.of("Jobs.Submit", "Jobs.Read")), spec);
            lengths.put(job.id(), p.length);
        }

        private void poll(SimAgent a) {
            CompletableFuture<Optional<LeaseGrant>> poll = app.leaseWork().leaseAsync(a.caller, a.id, WAIT_SECONDS);
            a.poll = poll;
            a.pollDeadline = clock.instant().plusSeconds(WAIT_SECONDS);
            a.answered = poll.whenComplete((grant, failure) -> answers.add(new Answer(a, poll, grant, failure)));
        }

        private void heartbeat(SimAgent a) {
            List<String> named = a.busy() ? List.of(a.leaseId) : List.of();
            commands += (int) app.heartbeat().beat(a.caller, a.id, named).commands().stream()
                    .filter(c -> !AgentCommand.CONTINUE.equals(c.type())).count();
        }

        /**
         * Hands every grant made so far to its agent: for each agent whose record holds a lease it has
         * not received (a parked poll woken on another thread), its poll's answer waited for; then the
         * answers in. Until none comes (an answer may start a new poll, which may be granted at once).
         */
        private void settle() {
            do {
                for (SimAgent a : agents) {
                    if (a.poll != null && !a.answered.isDone() && offered(a)) {
                        await(a.answered);
                    }
                }
            } while (handleAnswers());
        }

        private boolean offered(SimAgent a) {
            return stores.agents().find(REGION, a.id).map(r -> r.leases().size() > (a.busy() ? 1 : 0)).orElse(false);
        }

        private void await(CompletableFuture<?> answered) {
            try {
                answered.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (ExecutionException e) {
                // reported by its answer
            } catch (TimeoutException e) {
                throw new IllegalStateException("a lease offered was not handed to its agent's poll within 10 s");
            }
        }

        /** The answers in so far; true when there was one. */
        private boolean handleAnswers() {
            Instant now = clock.instant();
            boolean any = false;
            for (Answer answer; (answer = answers.poll()) != null; ) {
                any = true;
                SimAgent a = answer.agent;
                if (a.poll == answer.poll) {
                    a.poll = null;
                }
                if (answer.failure != null) {
                    throw new IllegalStateException("a poll failed", answer.failure);
                }
                if (answer.grant.isPresent()) {
                    LeaseGrant g = answer.grant.get();
                    a.leaseId = g.leaseId();
                    a.endsAt = now.plus(lengths.get(g.job().id()));
                    if (leased.add(g.job().id())) {
                        waits.get(g.job().tenantId()).add(Duration.between(g.job().createdAt(), now).toNanos());
                    } else {
                        leasedAgain++;
                    }
                }
                if (a.poll == null && !a.busy()) {
                    poll(a);
                }
            }
            return any;
        }

        /**
         * The intake queue of the region's one instance, as the host wires it ({@code ControlPlane.LocalEcho}):
         * a message is handled at once, and the queue delivers it (to this instance) a step later.
         */
        private final class Intake implements IntakeQueue {
            @Override
            public void publish(IntakeMessage message) {
                intakeMessages.add(message);
                app.dispatcher().intake(message);
            }

            @Override
            public Subscription subscribe(Consumer<IntakeMessage> handler) {
                return () -> {
                };
            }
        }
    }

    // ---- report ---------------------------------------------------------------------------------

    private void report(List<Planned> plan, List<Result> results, double realSeconds) {
        Map<String, Long> jobs = new LinkedHashMap<>();
        TENANTS.forEach(t -> jobs.put(t, plan.stream().filter(p -> p.tenant.equals(t)).count()));
        System.out.printf("%n# Fair share between tenants: wait from submission to first lease (simulated time)%n%n");
        System.out.printf("commit %s; %d cores, Java %s; %d configurations in %.1f real s (in-memory stores, simulated clock)%n",
                commit(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), results.size(), realSeconds);
        System.out.printf("workload (seed %d): Standard tier, one region; %s %d jobs from second 0 (%d/s), %s %d jobs from second %d "
                        + "(%d/s), %s %d jobs one every %d s from second %d; jobs of 30-120 s, over %s (%s %%), %s limited to %d; "
                        + "%d agents x 1 slot; other settings DispatchSettings defaults%n",
                seed, TENANTS.get(0), burstA, BURST_RATE, TENANTS.get(1), burstB, B_STARTS_AT, BURST_RATE, TENANTS.get(2), trickleC,
                every, C_STARTS_AT, ORGANISATIONS, Arrays.toString(ORGANISATION_SHARE), LIMITED, LIMIT, agentCount);
        Result off = results.get(0);
        for (Result on : results.subList(1, results.size())) {
            System.out.printf("%n## %s against %s%n%n", on.mode.name, off.mode.name);
            System.out.printf("| tenant | jobs | off p50 | off p99 | on p50 | on p99 | p50 on/off | p99 on/off |%n");
            System.out.printf("|---|---:|---:|---:|---:|---:|---:|---:|%n");
            for (String t : TENANTS) {
                Stats o = off.waits.get(t);
                Stats n = on.waits.get(t);
                System.out.printf("| %s (weight %d) | %d | %s | %s | %s | %s | %s | %s |%n", t, on.mode.weights.get(t), jobs.get(t),
                        seconds(o, 50), seconds(o, 99), seconds(n, 50), seconds(n, 99), ratio(n, o, 50), ratio(n, o, 99));
            }
        }
        System.out.printf("%n| configuration | makespan (first submission to last completion) | longest wait | jobs completed "
                + "| leased again | stop commands |%n");
        System.out.printf("|---|---:|---:|---:|---:|---:|%n");
        double longestOfAll = 0;
        for (Result r : results) {
            double longest = r.waits.values().stream().mapToDouble(w -> w.percentileMillis(100)).max().orElse(0) / 1000;
            longestOfAll = Math.max(longestOfAll, longest);
            System.out.printf("| %s | %d s | %.1f s | %d / %d | %d | %d |%n", r.mode.name, r.makespan.toSeconds(), longest, r.completed,
                    plan.size(), r.leasedAgain, r.commands);
        }
        long aging = DispatchSettings.defaults().agingStep().toSeconds();
        System.out.printf(longestOfAll < aging
                ? "%nevery wait under AGING_STEP_SECONDS (%d s): no job was aged into a higher effective tier%n"
                : "%nsome waits reached AGING_STEP_SECONDS (%d s): those jobs were aged into a higher effective tier, ahead of "
                        + "fair share%n", aging);
    }

    private static String seconds(Stats s, double p) {
        return String.format("%.1f s", s.percentileMillis(p) / 1000);
    }

    private static String ratio(Stats on, Stats off, double p) {
        double base = off.percentileMillis(p);
        return base > 0 ? String.format("%.3f", on.percentileMillis(p) / base) : "-";
    }

    /** The checked-out commit ({@code git rev-parse --short HEAD}), or "unknown". */
    static String commit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
