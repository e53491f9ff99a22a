package io.controlplane.ports;

import io.controlplane.domain.Agent;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Registered agents, partitioned by region. Writes are conditional on the etag the agent was read
 * with ({@link io.controlplane.domain.ConcurrencyConflictException} otherwise), because an agent's
 * record also holds its slot reservations.
 */
public interface AgentStore {

    Optional<Agent> find(String region, String agentId);

    /** Stores a new agent; conflicts if one with that id exists in the region. */
    Agent create(Agent agent);

    /** Replaces the agent if it still has {@code agent.etag()}. */
    Agent update(Agent agent);

    /** Every agent of a region. */
    List<Agent> list(String region);

    /**
     * Up to {@code limit} agents of a region whose ids sort after {@code afterId} (null: from the
     * first), in id order: a sweep over the fleet a page at a time.
     */
    default List<Agent> page(String region, String afterId, int limit) {
        return list(region).stream()
                .filter(a -> afterId == null || a.id().compareTo(afterId) > 0)
                .sorted(Comparator.comparing(Agent::id))
                .limit(limit)
                .toList();
    }

    /**
     * Deletes the agent's record if it still has {@code agent.etag()}.
     *
     * @return false when there was no such agent
     * @throws io.controlplane.domain.ConcurrencyConflictException when the stored version differs
     */
    boolean delete(Agent agent);
}
