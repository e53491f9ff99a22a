package io.controlplane.scheduling;

import io.controlplane.domain.Agent;
import io.controlplane.domain.ReadyEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which waiting agent gets which ready job, from a region's view: a pure function, no I/O.
 *
 * <ul>
 *   <li>Jobs go in dispatch order: effective tier ({@link DispatchPolicy#effectiveRank}), then,
 *       within a tier, fair share between tenants ({@link FairOrder}), then age; a job held back
 *       for a retry is skipped, never in the way of the ones behind it.</li>
 *   <li>An agent held for a job (its slot was freed by preemption for it) takes that job and no
 *       other until its hold ends.</li>
 *   <li>A job touching an organisation that runs its limit of jobs, or that asked for a back-off
 *       ({@link OrganisationGate}), waits; the jobs behind it go on.</li>
 *   <li>Of the agents that may take a job ({@link DispatchPolicy#admits}), the one that has waited
 *       longest gets it; an agent with several free slots may get several jobs.</li>
 * </ul>
 *
 * <p>The cost is one admission check per ready job and distinct kind of agent (region, pool and
 * capabilities), not per agent: a fleet of thousands of alike agents is a handful of kinds, and a
 * queue of jobs nobody may take is walked once in memory.
 */
public final class Matching {

    /** One decision: {@code agent} (as seen) should be leased {@code entry}. */
    public record Assignment(Agent agent, ReadyEntry entry) {
    }

    private final DispatchPolicy policy;
    private final Duration offlineAfter;
    private final boolean fairShare;

    public Matching(DispatchPolicy policy, Duration offlineAfter) {
        this(policy, offlineAfter, true);
    }

    /** @param fairShare false: within an effective tier oldest first, whatever the tenant (no {@link FairOrder}) */
    public Matching(DispatchPolicy policy, Duration offlineAfter, boolean fairShare) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.offlineAfter = Objects.requireNonNull(offlineAfter, "offlineAfter");
        this.fairShare = fairShare;
    }

    /**
     * @param ready the region's ready jobs, in any order
     * @param waiting the agents asking for work, longest waiting first (those that cannot take work
     *     now, being full, draining or silent, are skipped)
     * @param limit at most this many assignments
     */
    public List<Assignment> assign(Collection<ReadyEntry> ready, List<Agent> waiting, PoolDirectory pools, Instant now, int limit) {
        return assign(ready, waiting, pools, now, limit, Running.none());
    }

    /**
     * @param running the region's running jobs (leases held): per tenant, so that within an
     *     effective tier the tenant furthest below its share goes first ({@link FairOrder}); per
     *     organisation, so that a job touching an organisation at its limit waits; each assignment
     *     of this round counted
     */
    public List<Assignment> assign(Collection<ReadyEntry> ready, List<Agent> waiting, PoolDirectory pools, Instant now, int limit,
                                   Running running) {
        Map<String, Agent> heldFor = new HashMap<>();
        Map<Kind, Deque<Waiter>> kinds = new LinkedHashMap<>();
        int order = 0;
        for (Agent agent : waiting) {
            if (!agent.canTakeWork(now, offlineAfter)) {
                continue;
            }
            var hold = agent.hold(now);
            if (hold.isPresent()) {
                heldFor.putIfAbsent(hold.get().jobId(), agent);
            } else {
                kinds.computeIfAbsent(Kind.of(agent), k -> new ArrayDeque<>()).add(new Waiter(agent, order++, agent.freeSlots()));
            }
        }
        List<Assignment> assignments = new ArrayList<>();
        if (kinds.isEmpty() && heldFor.isEmpty()) {
            return assignments;
        }
        List<ReadyEntry> eligible = ready.stream().filter(e -> !e.isHeldBack(now)).toList();
        FairOrder fair = new FairOrder(policy, eligible, now, running.byTenant(), pools, fairShare);
        Map<String, Integer> givenByOrganisation = new HashMap<>();
        Map<String, Integer> givenByTenantOrganisation = new HashMap<>();
        for (ReadyEntry entry = fair.next(); entry != null; entry = fair.next()) {
            if (assignments.size() >= limit || kinds.isEmpty() && heldFor.isEmpty()) {
                break;
            }
            if (OrganisationGate.held(entry, pools, running, givenByOrganisation, givenByTenantOrganisation, now).isPresent()) {
                continue; // an organisation it touches runs as many jobs as it may (or backs off): it waits, the others go on
            }
            Agent held = heldFor.get(entry.jobId());
            if (held != null && policy.admits(held, entry, pools, now)) {
                heldFor.remove(entry.jobId());
                assignments.add(new Assignment(held, entry));
                fair.given(entry);
                OrganisationGate.given(entry, givenByOrganisation, givenByTenantOrganisation);
                continue;
            }
            Deque<Waiter> best = null;
            for (Deque<Waiter> kind : kinds.values()) {
                if ((best == null || kind.peekFirst().order < best.peekFirst().order)
                        && policy.admits(kind.peekFirst().agent, entry, pools, now)) {
                    best = kind;
                }
            }
            if (best == null) {
                continue;
            }
            Waiter chosen = best.pollFirst();
            assignments.add(new Assignment(chosen.agent, entry));
            fair.given(entry);
            OrganisationGate.given(entry, givenByOrganisation, givenByTenantOrganisation);
            if (--chosen.free > 0) {
                best.addLast(chosen); // its other slots after the agents that have none yet
            }
            if (best.isEmpty()) {
                kinds.values().remove(best);
            }
        }
        return assignments;
    }

    /** An agent with its free slots left in this round, and its place in the waiting order. */
    private static final class Waiter {
        private final Agent agent;
        private final int order;
        private int free;

        Waiter(Agent agent, int order, int free) {
            this.agent = agent;
            this.order = order;
            this.free = free;
        }
    }

    /** What admission depends on: agents of one kind admit the same jobs. */
    private record Kind(String region, String pool, Set<String> capabilities) {
        static Kind of(Agent agent) {
            return new Kind(agent.region(), agent.pool(), agent.capabilities());
        }
    }
}
