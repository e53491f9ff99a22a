package io.controlplane.adapters.tables;

import io.controlplane.api.Json;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.LeaseExpiriesContractTest;
import io.controlplane.testing.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class TableLeaseExpiriesTest extends LeaseExpiriesContractTest {

    private static TableStorage storage;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "x" + System.nanoTime(), Json.mapper())
                .ensureTables();
    }

    @AfterAll
    static void dropTables() {
        storage.dropTables();
    }

    @Override
    protected LeaseExpiries newIndex() {
        return storage.leaseExpiries();
    }
}
