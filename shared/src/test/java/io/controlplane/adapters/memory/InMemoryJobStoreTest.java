package io.controlplane.adapters.memory;

import io.controlplane.ports.JobStore;
import io.controlplane.ports.JobStoreContractTest;

class InMemoryJobStoreTest extends JobStoreContractTest {

    @Override
    protected JobStore newStore() {
        return new InMemoryJobStore();
    }
}
