package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.AgentNotFoundException;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.ForbiddenException;
import io.controlplane.ports.AgentStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Finding agents in the regions this deployment serves, checking that the caller is the agent's
 * principal, and changing an agent record with optimistic concurrency (re-read and re-apply on an
 * ETag conflict: heartbeats, claims and releases of one agent may race).
 */
final class AgentRecords {

    static final int MAX_ATTEMPTS = 8;

    private final AgentStore agents;
    private final Set<String> regions;
    /**
     * The principal of the agent that holds a lease, remembered per lease: an agent id can be
     * registered again by another identity (after its tenant was erased, on any instance), but a
     * lease is granted to one registration and ends with it, so what was read for a lease stays true
     * for as long as that lease is in use. Bounded, oldest dropped first.
     */
    private final Map<String, String> principals = leastRecentlyUsed(MAX_REMEMBERED_PRINCIPALS);
    static final int MAX_REMEMBERED_PRINCIPALS = 10_000;
    /**
     * The region each agent was last found, changed or registered in on this instance, so that a
     * lookup reads the agent's region first instead of trying every served region. Only a hint: an
     * agent that is gone from there (erased, registered again in another region, on any instance) is
     * looked for in the other regions, and the hint follows it. Bounded, least recently used dropped
     * first; not kept when this deployment serves one region.
     */
    private final Map<String, String> regionOf = leastRecentlyUsed(MAX_REMEMBERED_REGIONS);
    static final int MAX_REMEMBERED_REGIONS = 10_000;

    /** A thread-safe map of at most {@code max} entries that drops the least recently used first. */
    static <V> Map<String, V> leastRecentlyUsed(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        });
    }

    /**
     * Agent records as this instance last read or wrote them, for the requests that may use a
     * recent copy (a long poll, a heartbeat that names its leases): every write is conditional on
     * the copy's ETag, so a copy gone stale (another instance wrote the record) costs a re-read
     * when it matters, never a lost change. Bounded, oldest dropped first.
     */
    private final Map<String, Known> recent = leastRecentlyUsed(MAX_REMEMBERED_PRINCIPALS);

    private record Known(Agent agent, long at) {
    }

    public AgentRecords(AgentStore agents, Set<String> regions) {
        this.agents = agents;
        this.regions = Set.copyOf(regions);
    }

    public AgentStore store() {
        return agents;
    }

    public Set<String> regions() {
        return regions;
    }

    public Optional<Agent> find(String agentId) {
        String remembered = regions.size() > 1 ? regionOf.get(agentId) : null;
        if (remembered != null) {
            Optional<Agent> agent = agents.find(remembered, agentId);
            if (agent.isPresent()) {
                return Optional.of(remember(agent.get()));
            }
        }
        for (String region : regions) {
            if (region.equals(remembered)) {
                continue;
            }
            Optional<Agent> agent = agents.find(region, agentId);
            if (agent.isPresent()) {
                return Optional.of(remember(agent.get()));
            }
        }
        if (remembered != null) {
            regionOf.remove(agentId, remembered);
        }
        return Optional.empty();
    }

    /**
     * Remembers {@code agent} as just registered, read or written here: {@link #find} looks in its
     * region first, and {@link #ownRecent} may answer from this copy.
     */
    public Agent remember(Agent agent) {
        if (agent == null) {
            return null;
        }
        if (regions.size() > 1) {
            regionOf.put(agent.id(), agent.region());
        }
        if (agent.etag() != null) {
            recent.put(agent.id(), new Known(agent, System.nanoTime()));
            seen.forEach(l -> l.accept(agent));
        }
        return agent;
    }

    private final List<Consumer<Agent>> seen = new CopyOnWriteArrayList<>();

    /** Told of every agent record this instance reads or writes (on that thread: be quick). */
    void addListener(Consumer<Agent> listener) {
        seen.add(listener);
    }

    /**
     * The caller's own agent. Another principal's agent is refused (403): agent ids are operator
     * names, not tenant data, so saying that an id is taken is harmless and helps pick another.
     */
    public Agent own(Caller caller, String agentId) {
        return owned(caller, find(agentId).orElseThrow(() -> new AgentNotFoundException(agentId)));
    }

    /**
     * As {@link #own}, from this instance's copy of the record if it is younger than {@code maxAge}
     * (no storage request); read otherwise.
     */
    public Agent ownRecent(Caller caller, String agentId, Duration maxAge) {
        return owned(caller, findRecent(agentId, maxAge).orElseThrow(() -> new AgentNotFoundException(agentId)));
    }

    /** The agent, from this instance's copy if younger than {@code maxAge}, else read. */
    public Optional<Agent> findRecent(String agentId, Duration maxAge) {
        Known known = recent.get(agentId);
        if (known != null && System.nanoTime() - known.at() < maxAge.toNanos()) {
            return Optional.of(known.agent());
        }
        return find(agentId);
    }

    /** The agent's record in {@code region}: this instance's copy if younger than {@code maxAge}, else read. */
    public Optional<Agent> recentIn(String region, String agentId, Duration maxAge) {
        return copyIn(region, agentId, maxAge).or(() -> agents.find(region, agentId).map(this::remember));
    }

    /**
     * The lease as the agent's record in {@code region} keeps it, if the record lists it: from
     * this instance's copy when the copy is younger than {@code maxAge} and says the lease holds
     * at {@code now} (a copy only errs early: heartbeats move the expiry on), else read.
     */
    public Optional<AgentLease> leaseOnRecord(String region, String agentId, String leaseId, Instant now,
                                              Duration maxAge) {
        return copyIn(region, agentId, maxAge).flatMap(a -> a.lease(leaseId)).filter(l -> l.holdsAt(now))
                .or(() -> agents.find(region, agentId).map(this::remember).flatMap(a -> a.lease(leaseId)));
    }

    /** This instance's copy of the agent's record in {@code region}, if younger than {@code maxAge}. */
    private Optional<Agent> copyIn(String region, String agentId, Duration maxAge) {
        Known known = recent.get(agentId);
        return known != null && region.equals(known.agent().region()) && System.nanoTime() - known.at() < maxAge.toNanos()
                ? Optional.of(known.agent()) : Optional.empty();
    }

    /**
     * The agent as of version {@code etag} or later: this instance's copy when it is that version
     * (no storage request), else read from its region (an event from another instance named it).
     */
    public Optional<Agent> atLeast(String region, String agentId, String etag) {
        Known known = recent.get(agentId);
        if (known != null && etag != null && etag.equals(known.agent().etag()) && region.equals(known.agent().region())) {
            return Optional.of(known.agent());
        }
        return agents.find(region, agentId).map(this::remember);
    }

    private Agent owned(Caller caller, Agent agent) {
        String agentId = agent.id();
        if (!agent.isOwnedBy(caller.tenantId(), caller.subject())) {
            throw new ForbiddenException("Agent '" + agentId + "' is registered by another identity; an agent acts only as itself.");
        }
        return agent;
    }

    /**
     * Whether the caller is the identity the agent holding {@code leaseId} was registered by (read
     * once per lease, then remembered).
     */
    public boolean isPrincipalOf(Caller caller, String agentId, String leaseId) {
        String remembered = agentId + "\u0000" + leaseId;
        String principal = principals.get(remembered);
        Known copy = principal == null ? recent.get(agentId) : null;
        if (copy != null && copy.agent().lease(leaseId).isPresent()) {
            // This instance's copy of the record lists the lease: it is that registration's.
            principal = key(copy.agent().principalTenant(), copy.agent().principalSubject());
            principals.put(remembered, principal);
        }
        if (principal == null) {
            Optional<Agent> agent = find(agentId);
            if (agent.isEmpty()) {
                return false;
            }
            principal = key(agent.get().principalTenant(), agent.get().principalSubject());
            principals.put(remembered, principal);
        }
        return principal.equals(key(caller.tenantId(), caller.subject()));
    }

    /** Forgets every remembered principal and record (this instance erased agents). */
    public void forgetPrincipals() {
        principals.clear();
        recent.clear();
    }

    private static String key(String tenant, String subject) {
        return tenant + "\u0000" + subject;
    }

    /**
     * Applies {@code change} to the current record and writes it conditionally, retrying on
     * conflicts. {@code change} may return its input unchanged to skip the write.
     */
    public Agent modify(Agent current, UnaryOperator<Agent> change) {
        Agent agent = current;
        for (int attempt = 1; ; attempt++) {
            Agent changed = change.apply(agent);
            if (changed == agent) {
                return agent;
            }
            try {
                return remember(agents.update(changed));
            } catch (ConcurrencyConflictException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                agent = agents.find(current.region(), current.id()).orElseThrow(() -> new AgentNotFoundException(current.id()));
                remember(agent);
            }
        }
    }
}
