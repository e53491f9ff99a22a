package io.controlplane.domain;

/** No such agent is registered in this region (or it is not the caller's). */
public final class AgentNotFoundException extends DomainException {

    public AgentNotFoundException(String agentId) {
        super("No agent '" + agentId + "' is registered here; register it with PUT /api/agents/" + agentId + " first.");
    }
}
