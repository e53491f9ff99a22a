package io.controlplane.bench;

import static io.controlplane.bench.CountingStores.AGENTS;

import io.controlplane.domain.Agent;
import io.controlplane.ports.AgentStore;
import java.util.List;
import java.util.Optional;

/** An {@link AgentStore} that counts each call in a {@link PartitionTally} under the region's partition of the agents table. */
final class CountingAgentStore extends CountingPort<AgentStore> implements AgentStore {

    CountingAgentStore(AgentStore d, PartitionTally t) {
        super(d, t);
    }

    @Override
    public Optional<Agent> find(String region, String agentId) {
        t.count(AGENTS, region, "find", 1);
        return d.find(region, agentId);
    }

    @Override
    public Agent create(Agent agent) {
        t.count(AGENTS, agent.region(), "create", 1);
        return d.create(agent);
    }

    @Override
    public Agent update(Agent agent) {
        t.count(AGENTS, agent.region(), "update", 1);
        return d.update(agent);
    }

    @Override
    public List<Agent> list(String region) {
        List<Agent> found = d.list(region);
        t.count(AGENTS, region, "list", found.size());
        return found;
    }

    @Override
    public List<Agent> page(String region, String afterId, int limit) {
        List<Agent> found = d.page(region, afterId, limit);
        t.count(AGENTS, region, "page", found.size());
        return found;
    }

    @Override
    public boolean delete(Agent agent) {
        t.count(AGENTS, agent.region(), "delete", 1);
        return d.delete(agent);
    }
}
