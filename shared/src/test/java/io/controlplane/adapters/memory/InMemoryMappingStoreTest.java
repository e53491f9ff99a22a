package io.controlplane.adapters.memory;

import io.controlplane.ports.MappingStore;
import io.controlplane.ports.MappingStoreContractTest;

class InMemoryMappingStoreTest extends MappingStoreContractTest {

    @Override
    protected MappingStore newStore() {
        return new InMemoryMappingStore();
    }
}
