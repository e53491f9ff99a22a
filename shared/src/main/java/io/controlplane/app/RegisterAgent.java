package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.ForbiddenException;
import io.controlplane.domain.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Registers an agent, or updates its pool, capabilities and slots. The first registration binds
 * the agent id to the caller's identity (token tenant and subject); afterwards only that identity
 * may act as the agent.
 */
public final class RegisterAgent {

    /** What an agent declares about itself. */
    public record Registration(String region, String pool, Set<String> capabilities, int slots) {
    }

    private final AgentRecords agents;
    private final Clock clock;

    public RegisterAgent(AgentRecords agents, Clock clock) {
        this.agents = agents;
        this.clock = clock;
    }

    public Agent register(Caller caller, String agentId, Registration r) {
        if (!agents.regions().contains(r.region())) {
            throw new ValidationException(List.of(new FieldError("region", "region '" + r.region()
                    + "' is not served by this deployment, which serves " + agents.regions().stream().sorted().toList()
                    + "; register the agent with the control plane deployed in " + r.region())));
        }
        Instant now = clock.instant();
        for (int attempt = 0; attempt < AgentRecords.MAX_ATTEMPTS; attempt++) {
            Optional<Agent> existing = agents.find(agentId);
            if (existing.isEmpty()) {
                try {
                    return agents.remember(agents.store().create(new Agent(agentId, r.region(), r.pool(), r.capabilities(), r.slots(), false,
                            caller.tenantId(), caller.subject(), now, now, List.of(), null)));
                } catch (ConcurrencyConflictException raced) {
                    continue;
                }
            }
            Agent agent = existing.get();
            if (!agent.isOwnedBy(caller.tenantId(), caller.subject())) {
                throw new ForbiddenException("Agent '" + agentId + "' is registered by another identity; choose another agent id.");
            }
            if (!agent.region().equals(r.region())) {
                throw new ValidationException(List.of(new FieldError("region", "agent '" + agentId
                        + "' is registered in " + agent.region() + "; an agent cannot move region (use a new agent id)")));
            }
            return agents.modify(agent, a -> a.reregistered(r.pool(), r.capabilities(), r.slots(), now));
        }
        throw new ConcurrencyConflictException("Agent " + agentId + " is being registered concurrently; retry.");
    }
}
