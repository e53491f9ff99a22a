package io.controlplane.adapters.memory;

import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.LeaseExpiriesContractTest;

class InMemoryLeaseExpiriesTest extends LeaseExpiriesContractTest {

    @Override
    protected LeaseExpiries newIndex() {
        return new InMemoryLeaseExpiries();
    }
}
