package io.controlplane.bench;

import io.controlplane.app.AgentHeartbeat;
import io.controlplane.app.LeaseGrant;
import io.controlplane.app.RegisterAgent;
import io.controlplane.app.UseCases;
import io.controlplane.domain.IdMapping;
import io.controlplane.ports.AgentCommand;
import io.controlplane.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The simulated agents of a {@link ScaleModel}, acting on the use cases as agents do: they register,
 * long-poll for 25 s and ask again as soon as a poll ends, heartbeat every 15 s naming their
 * leases, obey stop commands, and report progress (with a batch of ID mappings) every 10 s of a job
 * until they complete it. Driven step by step from the model's loop; what they did is counted in
 * its {@link EventCounts}.
 */
final class ScaleFleet {

    /** Agent kinds: capabilities and their share of the fleet. */
    static final List<Set<String>> AGENT_KINDS = List.of(
            Set.of("azure-devops", "git"), Set.of("azure-devops"), Set.of("azure-devops", "tfs", "git"), Set.of("git"));
    private static final int[] AGENT_KIND_SHARE = {45, 30, 15, 10};
    private static final int WAIT_SECONDS = 25;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);
    private static final int MAPPINGS_PER_REPORT = 20;
    private static final int STEPS_PER_SECOND = ScaleModel.STEPS_PER_SECOND;

    private final UseCases app;
    private final MutableClock clock;
    /** The model's one seeded source: jobs' lengths are drawn from it between its submissions' draws. */
    private final Random random;
    private final EventCounts events;
    private final List<ScaleAgent> agents = new ArrayList<>();
    private final ConcurrentLinkedQueue<PollAnswer<ScaleAgent>> answers = new ConcurrentLinkedQueue<>();

    ScaleFleet(UseCases app, MutableClock clock, Random random, EventCounts events, int agentCount) {
        this.app = app;
        this.clock = clock;
        this.random = random;
        this.events = events;
        for (int i = 0; i < agentCount; i++) {
            agents.add(new ScaleAgent(String.format("agent-%05d", i), kind(i), 1, i % (15 * STEPS_PER_SECOND)));
        }
    }

    private static Set<String> kind(int i) {
        return Shares.pick(AGENT_KINDS, AGENT_KIND_SHARE, i % 100);
    }

    /** Registers this step's share of the agents (registrations spread over {@code registerSteps}), each polling at once. */
    void register(int step, int registerSteps) {
        int from = (int) ((long) agents.size() * step / registerSteps);
        int to = (int) ((long) agents.size() * (step + 1) / registerSteps);
        for (ScaleAgent a : agents.subList(from, to)) {
            app.registerAgent().register(a.caller, a.id, new RegisterAgent.Registration(ScaleModel.REGION, "shared",
                    a.capabilities, a.slots));
            a.registered = true;
            poll(a);
        }
    }

    /** Ends empty the polls whose 25 simulated seconds are over, as the host answers them. */
    void endOverduePolls(Instant now) {
        for (ScaleAgent a : agents) {
            if (a.poll != null && !a.poll.isDone() && !a.pollDeadline.isAfter(now)) {
                a.poll.complete(Optional.empty());
            }
        }
    }

    /** The heartbeats due in this step: each agent every 15 s, spread evenly. */
    void heartbeats(int step) {
        int beatSlot = step % (15 * STEPS_PER_SECOND);
        for (ScaleAgent a : agents) {
            if (a.registered && a.beatPhase == beatSlot) {
                heartbeat(a);
            }
        }
    }

    /** The agents' jobs: progress every 10 s, completion at the end. */
    void work(Instant now) {
        for (ScaleAgent a : agents) {
            if (!a.running.isEmpty()) {
                work(a, now);
            }
        }
    }

    /** Hands the poll answers in so far to their agents; an agent with a free slot polls again. */
    void handleAnswers() {
        Instant now = clock.instant();
        for (PollAnswer<ScaleAgent> answer; (answer = answers.poll()) != null; ) {
            ScaleAgent a = answer.agent();
            if (a.poll == answer.poll()) {
                a.poll = null;
            }
            if (answer.failure() != null) {
                events.count("poll answered with " + answer.failure().getClass().getSimpleName());
            } else if (answer.grant() != null && answer.grant().isPresent()) {
                LeaseGrant g = answer.grant().get();
                Duration length = Duration.ofSeconds(30 + random.nextInt(91));
                a.running.add(new ScaleJob(g.leaseId(), g.job().id(), now.plus(length), now.plus(PROGRESS_EVERY)));
                events.count("leases granted");
            }
            if (a.poll == null && a.running.size() < a.slots) {
                poll(a);
            }
        }
    }

    private void poll(ScaleAgent a) {
        CompletableFuture<Optional<LeaseGrant>> poll;
        try {
            poll = app.leaseWork().leaseAsync(a.caller, a.id, WAIT_SECONDS);
        } catch (RuntimeException e) {
            events.count("poll failed: " + e.getClass().getSimpleName());
            return;
        }
        a.poll = poll;
        a.pollDeadline = clock.instant().plusSeconds(WAIT_SECONDS);
        events.count("polls");
        poll.whenComplete((grant, failure) -> answers.add(new PollAnswer<>(a, poll, grant, failure)));
    }

    private void heartbeat(ScaleAgent a) {
        List<String> named = a.running.stream().map(r -> r.leaseId).toList();
        AgentHeartbeat.Beat beat;
        try {
            beat = app.heartbeat().beat(a.caller, a.id, named);
        } catch (RuntimeException e) {
            events.count("heartbeat failed: " + e.getClass().getSimpleName());
            return;
        }
        events.count("heartbeats");
        for (AgentCommand c : beat.commands()) {
            switch (c.type()) {
                case "cancel" -> {
                    a.running.removeIf(r -> r.leaseId.equals(c.leaseId()));
                    events.count("leases cancelled (" + c.reason() + ")");
                }
                case "preempt", "pause" -> {
                    try {
                        app.releaseLease().release(a.caller, c.leaseId(), c.type().equals("preempt") ? "preempted" : "paused");
                        events.count("leases released (" + c.type() + ")");
                    } catch (RuntimeException e) {
                        events.count("release failed: " + e.getClass().getSimpleName());
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

    private void work(ScaleAgent a, Instant now) {
        for (ScaleJob r : List.copyOf(a.running)) {
            if (!r.endsAt.isAfter(now)) {
                try {
                    app.finishJob().complete(a.caller, r.leaseId);
                    events.count("jobs completed");
                } catch (RuntimeException e) {
                    events.count("complete failed: " + e.getClass().getSimpleName());
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
                    events.count("progress reports");
                } catch (RuntimeException e) {
                    events.count("progress failed: " + e.getClass().getSimpleName());
                }
            }
        }
        if (a.poll == null && a.running.size() < a.slots) {
            poll(a);
        }
    }
}
