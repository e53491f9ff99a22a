package io.controlplane.ports;

import io.controlplane.app.AgentCommand;

/**
 * Pushes a command to an agent at once (in Azure: a Service Bus session whose id is the agent id).
 * Agents also get every command in their next heartbeat answer, so a lost push only delays it.
 */
public interface AgentChannel {

    void send(String agentId, AgentCommand command);

    /** No push channel: heartbeats carry the commands (local runs, Storage Queues). */
    static AgentChannel none() {
        return (agentId, command) -> { };
    }
}
