package io.controlplane.ports;


/**
 * Pushes a command to an agent at once (in Azure: a Service Bus session whose id is the agent id).
 * Agents also get every command in their next heartbeat answer, so a lost push only delays it.
 */
public interface AgentChannel extends AutoCloseable {

    /** Best effort: never throws for a failed push (the heartbeat answer carries the command too). */
    void send(String agentId, AgentCommand command);

    /** Releases what the adapter holds open (a Service Bus sender); pushes after this are dropped. */
    @Override
    default void close() {
    }

    /** No push channel: heartbeats carry the commands (local runs, Storage Queues). */
    static AgentChannel none() {
        return (agentId, command) -> { };
    }
}
