package io.controlplane.app;

import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.RegionLeadership;
import java.util.Objects;

/**
 * How a region's dispatcher is reached across instances: who leads it, the bus that carries events
 * to it, and the inbox that carries its offers back to the instance an agent's poll waits on.
 */
public record Dispatching(RegionLeadership leadership, DispatchBus bus, AgentInbox inbox) {

    public Dispatching {
        Objects.requireNonNull(leadership, "leadership");
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(inbox, "inbox");
    }

    /** One instance that leads every region, with nothing to send (tests, a single process). */
    public static Dispatching solo() {
        return new Dispatching(RegionLeadership.solo(), DispatchBus.none(), AgentInbox.none());
    }
}
