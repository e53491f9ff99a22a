package io.controlplane.adapters.memory;

import io.controlplane.ports.AgentStore;
import io.controlplane.ports.AgentStoreContractTest;

class InMemoryAgentStoreTest extends AgentStoreContractTest {

    @Override
    protected AgentStore newStore() {
        return new InMemoryAgentStore();
    }
}
