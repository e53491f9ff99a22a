package io.controlplane.adapters.memory;

import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.ReadyQueueContractTest;

class InMemoryReadyQueueTest extends ReadyQueueContractTest {

    @Override
    protected ReadyQueue newQueue() {
        return new InMemoryReadyQueue();
    }
}
