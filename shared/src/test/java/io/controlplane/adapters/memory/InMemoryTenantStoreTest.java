package io.controlplane.adapters.memory;

import io.controlplane.ports.TenantStore;
import io.controlplane.ports.TenantStoreContractTest;

class InMemoryTenantStoreTest extends TenantStoreContractTest {

    @Override
    protected TenantStore newStore() {
        return new InMemoryTenantStore();
    }
}
