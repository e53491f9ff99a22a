package io.controlplane.adapters.memory;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentNotFoundException;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.ports.AgentStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Agents in memory, for unit tests: same contract as the Table Storage adapter. */
public final class InMemoryAgentStore implements AgentStore {

    private final Map<String, Agent> agents = new TreeMap<>();
    private final AtomicLong versions = new AtomicLong();

    @Override
    public synchronized Optional<Agent> find(String region, String agentId) {
        return Optional.ofNullable(agents.get(region + "/" + agentId));
    }

    @Override
    public synchronized Agent create(Agent agent) {
        String key = agent.region() + "/" + agent.id();
        if (agents.containsKey(key)) {
            throw new ConcurrencyConflictException("Agent " + agent.id() + " is already registered.");
        }
        Agent stored = agent.withEtag("v" + versions.incrementAndGet());
        agents.put(key, stored);
        return stored;
    }

    @Override
    public synchronized boolean delete(Agent agent) {
        String key = agent.region() + "/" + agent.id();
        Agent current = agents.get(key);
        if (current == null) {
            return false;
        }
        if (!current.etag().equals(agent.etag())) {
            throw new ConcurrencyConflictException("Agent " + agent.id() + " changed concurrently.");
        }
        agents.remove(key);
        return true;
    }

    @Override
    public synchronized Agent update(Agent agent) {
        String key = agent.region() + "/" + agent.id();
        Agent current = agents.get(key);
        if (current == null) {
            throw new AgentNotFoundException(agent.id());
        }
        if (!current.etag().equals(agent.etag())) {
            throw new ConcurrencyConflictException("Agent " + agent.id() + " changed concurrently.");
        }
        Agent stored = agent.withEtag("v" + versions.incrementAndGet());
        agents.put(key, stored);
        return stored;
    }

    @Override
    public synchronized List<Agent> list(String region) {
        List<Agent> result = new ArrayList<>();
        agents.forEach((key, agent) -> {
            if (agent.region().equals(region)) {
                result.add(agent);
            }
        });
        return result;
    }

    /** Everything stored, as comparable immutable values (for tests that assert "nothing changed"). */
    public synchronized Map<String, Agent> contents() {
        return Map.copyOf(agents);
    }
}
