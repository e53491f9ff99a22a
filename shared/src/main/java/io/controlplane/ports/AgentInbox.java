package io.controlplane.ports;

import java.util.function.Consumer;

/**
 * Where a dispatcher's {@link OfferNote}s reach the instance an agent's poll waits on. In Azure:
 * the session-enabled Service Bus queue {@code agent-inbox}, SessionId = agent id (TTL up to the
 * lease's expiry), received by the HTTP long poll on the agent's behalf (or by the agent itself).
 * In the standalone host: a Storage Queue per instance ({@code offers-<instance>}).
 */
public interface AgentInbox extends AutoCloseable {

    /** The address an agent's poll on this instance gives in its {@link DispatchEvent.Asks}. */
    String replyTo(String agentId);

    /**
     * Posts an offer to the address an {@code Asks} gave. Best effort and never throws: an offer
     * that is lost is a reservation whose lease expires unused, and its job is requeued.
     */
    void post(String replyTo, OfferNote offer);

    /** Delivers the offers that reach this instance to {@code handler} from now on (called once, at start). */
    void deliverTo(Consumer<OfferNote> handler);

    /**
     * While the handle is open, offers to this agent reach this instance (Service Bus: the agent's
     * session is received here). An adapter whose address is the instance delivers them anyway.
     */
    IntakeQueue.Subscription listen(String agentId);

    /** Releases what the adapter holds open. */
    @Override
    default void close() {
    }

    /** One instance only: offers never leave the process. */
    static AgentInbox none() {
        return new AgentInbox() {
            @Override
            public String replyTo(String agentId) {
                return "local";
            }

            @Override
            public void post(String replyTo, OfferNote offer) {
            }

            @Override
            public void deliverTo(Consumer<OfferNote> handler) {
            }

            @Override
            public IntakeQueue.Subscription listen(String agentId) {
                return () -> { };
            }
        };
    }
}
