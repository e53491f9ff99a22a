package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.OfferNote;
import io.controlplane.scheduling.Matching;
import io.controlplane.scheduling.PoolDirectory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Dispatcher}'s decisions and their writes: the waiting agents matched with the ready
 * jobs of a view ({@link Matching#assign}), each match claimed ({@link Claims}), and the lease
 * offered to the agent's poll, here or on the instance it waits on. Also a job claimed as it is
 * created ({@link #placeNew}).
 */
final class Placing {

    /** Logged under the dispatcher's name: these are its events. */
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** Claims per dispatch run at most (the rest at the next run, scheduled at once). */
    private static final int MAX_CLAIMS_PER_RUN = 64;

    /**
     * Where the claims of different agents run side by side: a thread while one is free, else the
     * dispatching thread itself (so a run never waits for a thread).
     */
    private static final Executor CLAIMING = SideBySide.executor("dispatch-claims", 16);

    private final AgentRecords agents;
    private final JobStore jobs;
    private final Claims claims;
    private final Matching matching;
    private final Pools pools;
    private final FleetCopies fleets;
    private final AgentInbox inbox;
    private final LongPolls polls;
    private final Clock clock;

    Placing(AgentRecords agents, JobStore jobs, Claims claims, Matching matching, Pools pools, FleetCopies fleets,
            AgentInbox inbox, LongPolls polls, Clock clock) {
        this.clock = clock;
        this.agents = agents;
        this.jobs = jobs;
        this.claims = claims;
        this.matching = matching;
        this.pools = pools;
        this.fleets = fleets;
        this.inbox = inbox;
        this.polls = polls;
    }

    /** Matches and claims (under the view's monitor); true when it stopped at its claim budget with more to do. */
    boolean dispatch(RegionView view, Instant now, List<String> woken, List<Runnable> posts) {
        int claimed = 0;
        // Round after round while claims change what the view holds (a job gone, an agent changed),
        // within the run's claim budget.
        while (!view.waiting.isEmpty()) {
            resolveHolds(view, now);
            if (view.ready.isEmpty()) {
                return false;
            }
            List<Agent> waiting = view.available();
            PoolDirectory directory = pools.directory();
            List<Matching.Assignment> assignments = matching.assign(view.ready.values(), waiting, directory, now,
                    MAX_CLAIMS_PER_RUN - claimed, fleets.running(view.region));
            if (assignments.isEmpty()) {
                return false;
            }
            boolean changed = false;
            for (Claimed c : claimAll(view, assignments, now)) {
                claimed++;
                if (c.failure() != null) {
                    LOG.warn("event=dispatch_claim_failed region={} agentId={} jobId={} tenant={} error={}", view.region,
                            c.assignment().agent().id(), c.assignment().entry().jobId(), c.assignment().entry().tenantId(),
                            c.failure().toString());
                    changed = true;
                    continue;
                }
                Claims.Claim claim = c.claim();
                String agentId = c.assignment().agent().id();
                view.afterClaim(agentId, claim);
                switch (claim.outcome()) {
                    case LEASED -> {
                        LeaseGrant grant = claim.grant().orElseThrow();
                        view.take(c.assignment().entry(), now, grant.epoch());
                        view.drop(c.assignment().entry());
                        offer(view, agentId, grant, now, woken, posts);
                    }
                    case JOB_GONE -> {
                        view.take(c.assignment().entry(), now, 0);
                        view.drop(c.assignment().entry());
                        changed = true;
                    }
                    case AGENT_CHANGED, JOB_CHANGED -> changed = true;
                }
            }
            if (claimed >= MAX_CLAIMS_PER_RUN) {
                return true;
            }
            if (!changed) {
                return false;
            }
        }
        return false;
    }

    /**
     * The lease goes to the agent's poll: one waiting here is woken to take it; one waiting on
     * another instance gets it posted there (the poll it answers asks again for more).
     */
    private void offer(RegionView view, String agentId, LeaseGrant grant, Instant now, List<String> woken,
                       List<Runnable> posts) {
        view.starts.started(now);
        RegionView.Waiter w = view.waiting.get(agentId);
        if (w != null && w.polls.isEmpty() && w.remote(now)) {
            String replyTo = w.replyTo;
            OfferNote note = new OfferNote(view.region, agentId,
                    grant.job().tenantId(), grant.job().id(), grant.leaseId(), grant.epoch(), grant.expiresAt());
            posts.add(() -> inbox.post(replyTo, note));
            view.waiting.remove(agentId);
        } else {
            view.offer(agentId, grant, now);
            woken.add(agentId);
        }
    }

    /**
     * {@link Dispatcher#placeNew} where the region's view is loaded here and this instance decides
     * for it; {@code unclaimed} is run when no lease came of it (the agent is free to match again).
     */
    Optional<Job> placeNew(RegionView view, Job.Transition submitted, BiFunction<Job, List<HistoryEntry>, Job> create,
                           Runnable unclaimed) {
        Agent agent;
        Instant now;
        synchronized (view) {
            view.drain();
            now = clock.instant();
            view.dropIdle(now);
            List<Agent> waiting = view.available();
            if (waiting.isEmpty()) {
                return Optional.empty();
            }
            ReadyEntry entry = ReadyEntry.of(submitted.job(), null, now);
            List<ReadyEntry> ready = new ArrayList<>(view.ready.values());
            ready.add(entry);
            Optional<Agent> chosen = matching.assign(ready, waiting, pools.directory(), now, MAX_CLAIMS_PER_RUN,
                    fleets.running(view.region)).stream()
                    .filter(a -> a.entry() == entry).map(Matching.Assignment::agent).findFirst();
            if (chosen.isEmpty()) {
                return Optional.empty();
            }
            agent = chosen.get();
            // Spoken for until its claim is made: no run or other submission matches it meanwhile,
            // and the writes go outside the monitor (submissions and runs go on beside them).
            view.claiming.add(agent.id());
        }
        List<String> woken = new ArrayList<>();
        List<Runnable> posts = new ArrayList<>();
        Claims.Claim claim = null;
        try {
            // Refused (rethrown): the slot was given back, so the waiter's copy is stale and its
            // next claim meets a conflict and reads the record afresh.
            claim = claims.claimNew(agent, submitted, create, now);
            return Optional.ofNullable(claim.outcome() == Claims.Outcome.LEASED ? claim.grant().orElseThrow().job() : null);
        } finally {
            synchronized (view) {
                view.claiming.remove(agent.id());
                if (claim != null) {
                    view.afterClaim(agent.id(), claim);
                }
                if (claim != null && claim.outcome() == Claims.Outcome.LEASED) {
                    offer(view, agent.id(), claim.grant().orElseThrow(), now, woken, posts);
                }
            }
            woken.forEach(agentId -> polls.wake(view.region, agentId));
            posts.forEach(Runnable::run);
            if (claim == null || claim.outcome() != Claims.Outcome.LEASED) {
                unclaimed.run();
            }
        }
    }

    /** A claim made for an assignment, or why it could not be made. */
    private record Claimed(Matching.Assignment assignment, Claims.Claim claim, RuntimeException failure) {
    }

    /**
     * Makes the claims of one match round: those of different agents at once (independent writes),
     * those of one agent one after another (each on the record the previous one left). The decisions
     * were made in one place; only the writes go side by side.
     */
    private List<Claimed> claimAll(RegionView view, List<Matching.Assignment> assignments, Instant now) {
        Map<String, List<Matching.Assignment>> byAgent = new LinkedHashMap<>();
        Map<String, Job> hints = new HashMap<>();
        for (Matching.Assignment a : assignments) {
            byAgent.computeIfAbsent(a.agent().id(), k -> new ArrayList<>()).add(a);
            Job known = view.known.remove(a.entry().key());
            if (known != null) {
                hints.put(a.entry().key(), known);
            }
        }
        List<CompletableFuture<List<Claimed>>> running = new ArrayList<>();
        for (List<Matching.Assignment> ofAgent : byAgent.values()) {
            running.add(CompletableFuture.supplyAsync(() -> {
                List<Claimed> done = new ArrayList<>();
                Agent agent = ofAgent.get(0).agent();
                for (Matching.Assignment a : ofAgent) {
                    if (agent == null) {
                        break;
                    }
                    try {
                        Claims.Claim claim = claims.claim(agent, a.entry(), hints.get(a.entry().key()), now);
                        done.add(new Claimed(a, claim, null));
                        agent = claim.agent();
                    } catch (RuntimeException e) {
                        done.add(new Claimed(a, null, e));
                        break;
                    }
                }
                return done;
            }, byAgent.size() == 1 ? Runnable::run : CLAIMING));
        }
        List<Claimed> all = new ArrayList<>();
        running.forEach(f -> all.addAll(f.join()));
        return all;
    }

    /**
     * A waiting agent held for a job (its slot was freed by preemption for it) takes only that job:
     * one the view lacks is looked up, and a hold whose job is no longer queued is cleared.
     */
    private void resolveHolds(RegionView view, Instant now) {
        for (RegionView.Waiter w : List.copyOf(view.waiting.values())) {
            Optional<Agent.Hold> hold = w.agent.hold(now);
            if (hold.isEmpty() && w.agent.heldFor() == null || hold.isPresent() && view.holds(hold.get().tenantId(), hold.get().jobId())) {
                continue;
            }
            Optional<Job> held = hold.flatMap(h -> jobs.find(h.tenantId(), h.jobId())).filter(j -> j.state() == JobState.Queued);
            if (held.isPresent()) {
                view.put(ReadyEntry.of(held.get(), null, now));
                continue;
            }
            Agent.Hold seen = w.agent.heldFor();
            try {
                w.agent = agents.modify(agents.store().find(view.region, w.agent.id()).orElse(w.agent),
                        a -> a.heldFor() != null && a.heldFor().equals(seen) ? a.withHold(null) : a);
            } catch (RuntimeException e) {
                LOG.warn("event=hold_clear_failed region={} agentId={} error={}", view.region, w.agent.id(), e.toString());
            }
        }
    }
}
