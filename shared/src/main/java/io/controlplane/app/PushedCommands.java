package io.controlplane.app;

import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentCommand;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Heartbeats parked on this instance until a command for their agent is pushed (a preemption,
 * pause or cancel decided here) or their wait ends: a stop reaches an agent that waits in its
 * heartbeat at once, not at its next beat, and costs no storage request to deliver. Every command
 * also goes on to the deployment's own channel (Service Bus: the agent's session). A command for
 * an agent with no heartbeat parked here is not kept: the agent's next heartbeat answer carries it
 * anyway (the job row says Preempting, Pausing or Cancelled).
 */
final class PushedCommands implements AgentChannel {

    /** The key the parked heartbeats go under in their registry (one per instance, apart from lease polls). */
    private static final String HEARTBEATS = "heartbeats";

    private final LongPolls parked;
    private final AgentChannel next;

    /** @param parked where heartbeats park (its own registry: lease polls are counted and woken apart) */
    PushedCommands(LongPolls parked, AgentChannel next) {
        this.parked = parked;
        this.next = next;
    }

    /** What a parked heartbeat is told while it waits. */
    private static final class Mailbox {
        final ConcurrentLinkedQueue<AgentCommand> commands = new ConcurrentLinkedQueue<>();
    }

    /**
     * Parks a heartbeat of the agent for up to {@code wait}: completes with the commands pushed for
     * the agent meanwhile (empty when the wait ended, or the host stops), off the pushing thread.
     */
    CompletableFuture<List<AgentCommand>> await(String agentId, Duration wait) {
        Mailbox box = new Mailbox();
        return parked.park(HEARTBEATS, agentId, box, wait).woken()
                .thenApplyAsync(why -> List.copyOf(box.commands), parked.executor());
    }

    /** How many heartbeats are parked here now. */
    int size() {
        return parked.size();
    }

    @Override
    public void send(String agentId, AgentCommand command) {
        for (LongPolls.Parked p : parked.parked(HEARTBEATS, agentId)) {
            ((Mailbox) p.waiter()).commands.add(command);
            p.complete(LongPolls.Wake.SIGNALLED);
        }
        next.send(agentId, command);
    }

    /** The host is stopping: parked heartbeats are answered now, new ones at once. */
    void stop() {
        parked.stop();
    }

    /** Ends the parked heartbeats' registry (the deployment's channel is closed by whoever opened it). */
    @Override
    public void close() {
        parked.close();
    }
}
