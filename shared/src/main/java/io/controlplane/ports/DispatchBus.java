package io.controlplane.ports;

import java.util.function.Consumer;

/**
 * Carries {@link DispatchEvent}s to the one place a region's assignment is decided. In Azure: the
 * session-enabled Service Bus queue {@code dispatch}, SessionId = region, so a region's events are
 * handled one at a time on one instance (the session-triggered function). In the standalone host:
 * a Storage Queue per region ({@code dispatch-<region>}), read by the region's leader only
 * ({@link RegionLeadership}).
 */
public interface DispatchBus extends AutoCloseable {

    /**
     * Sends the event to its region's dispatcher. Best effort and never throws: the dispatcher's
     * timer and the agent's next poll repeat what a lost event said. Asynchronous: a slow or retrying
     * bus never holds up the caller.
     */
    void send(DispatchEvent event);

    /**
     * Delivers the region's events to {@code handler} until the handle is closed (the standalone
     * leader, from the moment it gains the region). A handler that throws gets the event again, and
     * after the adapter's maximum delivery count the event is moved aside.
     */
    IntakeQueue.Subscription subscribe(String region, Consumer<DispatchEvent> handler);

    /** Releases what the adapter holds open; close subscriptions first. */
    @Override
    default void close() {
    }

    /** One instance only (a single host, tests): nothing leaves the process, so nothing is sent. */
    static DispatchBus none() {
        return new DispatchBus() {
            @Override
            public void send(DispatchEvent event) {
            }

            @Override
            public IntakeQueue.Subscription subscribe(String region, Consumer<DispatchEvent> handler) {
                return () -> { };
            }
        };
    }
}
