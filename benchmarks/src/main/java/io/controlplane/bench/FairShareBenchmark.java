package io.controlplane.bench;

import static io.controlplane.bench.FairShareWorkload.TENANTS;

import io.controlplane.adapters.memory.InMemoryAgentStore;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.adapters.memory.InMemoryLeaseExpiries;
import io.controlplane.adapters.memory.InMemoryMappingStore;
import io.controlplane.adapters.memory.InMemoryReadyQueue;
import io.controlplane.adapters.memory.InMemoryTenantStore;
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
import io.controlplane.ports.AgentCommand;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 *
 * <p>The workload is {@link FairShareWorkload}'s, the figures printed by {@link FairShareReport}.
 */
public final class FairShareBenchmark {

    static final String REGION = "westeurope";
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    /** The operator limit on the smallest organisation's concurrent jobs. */
    static final int LIMIT = 4;
    static final String LIMITED = "dev.azure.com:northwind";
    private static final Duration STEP = Duration.ofMillis(100);
    private static final int STEPS_PER_SECOND = 10;
    private static final int WAIT_SECONDS = 25;
    private static final int HEARTBEAT_SECONDS = 15;
    private static final int RECONCILE_SECONDS = 10;
    /** Simulated time after which a configuration gives up (a run that never drains is a finding, not a hang). */
    private static final Duration GIVE_UP_AFTER = Duration.ofHours(6);

    private final int agentCount;
    private final FairShareWorkload workload;

    private FairShareBenchmark(Map<String, String> opts) {
        agentCount = Integer.parseInt(opts.getOrDefault("agents", "20"));
        workload = new FairShareWorkload(Integer.parseInt(opts.getOrDefault("a", "300")),
                Integer.parseInt(opts.getOrDefault("b", "60")), Integer.parseInt(opts.getOrDefault("c", "60")),
                Integer.parseInt(opts.getOrDefault("every", "20")), Long.parseLong(opts.getOrDefault("seed", "7")));
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
        List<PlannedJob> plan = workload.plan();
        Map<String, Integer> even = weights(1, 1, 1);
        List<FairShareMode> modes = List.of(new FairShareMode("fair share off", false, even),
                new FairShareMode("fair share on, 1:1:1", true, even), new FairShareMode("fair share on, 3:1:1", true, weights(3, 1, 1)));
        long realStart = System.nanoTime();
        List<FairShareResult> results = new ArrayList<>();
        for (FairShareMode mode : modes) {
            results.add(new Simulation(mode, plan).simulate());
        }
        FairShareReport.print(workload, plan, results, agentCount, (System.nanoTime() - realStart) / 1e9);
        return results.stream().allMatch(r -> r.completed() == plan.size()) ? 0 : 1;
    }

    private static Map<String, Integer> weights(int a, int b, int c) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put(TENANTS.get(0), a);
        weights.put(TENANTS.get(1), b);
        weights.put(TENANTS.get(2), c);
        return weights;
    }

    // ---- one configuration ---------------------------------------------------------------------

    /** The workload replayed once, on fresh stores, in one configuration. */
    private final class Simulation {
        private final FairShareMode mode;
        private final List<PlannedJob> plan;
        private final MutableClock clock = new MutableClock(T0);
        private final UseCases.Stores stores = new UseCases.Stores(new InMemoryJobStore(), new InMemoryAgentStore(),
                new InMemoryReadyQueue(), new InMemoryTenantStore(), new InMemoryMappingStore(), new InMemoryLeaseExpiries());
        private final ConcurrentLinkedQueue<IntakeMessage> intakeMessages = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<PollAnswer<FairShareAgent>> answers = new ConcurrentLinkedQueue<>();
        private final List<FairShareAgent> agents = new ArrayList<>();
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

        Simulation(FairShareMode mode, List<PlannedJob> plan) {
            this.mode = mode;
            this.plan = plan;
            TENANTS.forEach(t -> waits.put(t, new Stats()));
        }

        FairShareResult simulate() {
            DispatchSettings settings = DispatchSettings.from(Map.of(DispatchSettings.FAIR_SHARE, Boolean.toString(mode.fairShare()),
                    DispatchSettings.DISPATCH_POLL_MS, "60000"));
            app = UseCases.builder(stores, new Intake(), Set.of(REGION)).dispatch(settings)
                    .tenancy(TenancySettings.from(Map.of(TenancySettings.REQUIRE_ENTITLEMENT, "true"))).clock(clock).build();
            try {
                mode.weights().forEach((tenant, weight) -> app.admin().entitle(new TenantEntitlement(tenant, Tier.Standard,
                        Set.of(REGION), null, 1000, Set.of("kv-contoso"), Set.of(), weight)));
                app.admin().limit(new OrganisationLimit(LIMITED, LIMIT));
                for (int i = 0; i < agentCount; i++) {
                    FairShareAgent a = new FairShareAgent(String.format("agent-%03d", i), i * HEARTBEAT_SECONDS * STEPS_PER_SECOND / agentCount);
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
            return new FairShareResult(mode, waits, Duration.between(T0, lastCompletion), completed, leasedAgain, commands);
        }

        /** One 100 ms step. */
        private void step(int step) {
            Instant now = clock.instant();
            for (IntakeMessage m; (m = intakeMessages.poll()) != null; ) {
                app.dispatcher().intake(m); // the queue delivers what this instance published back to it
            }
            while (next < plan.size() && !T0.plus(plan.get(next).at()).isAfter(now)) {
                submit(plan.get(next++));
            }
            for (FairShareAgent a : agents) {
                if (a.busy() && !a.endsAt.isAfter(now)) {
                    app.finishJob().complete(a.caller, a.leaseId);
                    a.leaseId = null;
                    completed++;
                    lastCompletion = now;
                    poll(a);
                }
            }
            int beatSlot = step % (HEARTBEAT_SECONDS * STEPS_PER_SECOND);
            for (FairShareAgent a : agents) {
                if (a.beatPhase == beatSlot) {
                    heartbeat(a);
                }
            }
            if (step % (RECONCILE_SECONDS * STEPS_PER_SECOND) == 0) {
                app.reconcile().run();
            }
            settle();
            // Polls whose 25 simulated seconds are over end empty, as the host answers them; the agent asks again.
            for (FairShareAgent a : agents) {
                if (a.poll != null && !a.poll.isDone() && !a.pollDeadline.isAfter(now)) {
                    a.poll.complete(Optional.empty());
                }
            }
            settle();
        }

        private void submit(PlannedJob p) {
            String org = "https://dev.azure.com/" + p.organisation();
            JobSpec spec = JobSpecs.aJobSpec().withTier(Tier.Standard).withRegion(REGION).withName("fairness job " + p.number())
                    .withSource(new Endpoint(EndpointType.AzureDevOps, org, "project-" + p.number(), JobSpecs.SOURCE_CREDENTIAL))
                    .withTarget(new Endpoint(EndpointType.AzureDevOps, org, "project-" + p.number() + "-migrated",
                            JobSpecs.TARGET_CREDENTIAL))
                    .withMappingScope(p.tenant() + "-project-" + p.number()).build();
            Job job = app.submitJob().submit(new Caller(p.tenant(), "user@" + p.tenant(), Set.of("Jobs.Submit", "Jobs.Read")), spec);
            lengths.put(job.id(), p.length());
        }

        private void poll(FairShareAgent a) {
            CompletableFuture<Optional<LeaseGrant>> poll = app.leaseWork().leaseAsync(a.caller, a.id, WAIT_SECONDS);
            a.poll = poll;
            a.pollDeadline = clock.instant().plusSeconds(WAIT_SECONDS);
            a.answered = poll.whenComplete((grant, failure) -> answers.add(new PollAnswer<>(a, poll, grant, failure)));
        }

        private void heartbeat(FairShareAgent a) {
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
                for (FairShareAgent a : agents) {
                    if (a.poll != null && !a.answered.isDone() && offered(a)) {
                        await(a.answered);
                    }
                }
            } while (handleAnswers());
        }

        private boolean offered(FairShareAgent a) {
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
            for (PollAnswer<FairShareAgent> answer; (answer = answers.poll()) != null; ) {
                any = true;
                FairShareAgent a = answer.agent();
                if (a.poll == answer.poll()) {
                    a.poll = null;
                }
                if (answer.failure() != null) {
                    throw new IllegalStateException("a poll failed", answer.failure());
                }
                if (answer.grant().isPresent()) {
                    LeaseGrant g = answer.grant().get();
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
         * The intake queue of the region's one instance, as the host wires it ({@code app.EchoingIntake}, with {@code echoIntake}):
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
}
