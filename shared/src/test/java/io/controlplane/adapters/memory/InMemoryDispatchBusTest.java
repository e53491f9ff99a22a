package io.controlplane.adapters.memory;

import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchBusContractTest;

/** The in-memory dispatch bus (the fake bus of multi-instance tests) passes the port's contract. */
class InMemoryDispatchBusTest extends DispatchBusContractTest {
    @Override
    protected DispatchBus newBus() {
        return new InMemoryDispatchBus(3);
    }
}
