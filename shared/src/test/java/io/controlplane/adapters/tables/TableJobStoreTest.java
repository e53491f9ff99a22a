package io.controlplane.adapters.tables;

import io.controlplane.api.Json;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.JobStoreContractTest;
import io.controlplane.testing.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The job store contract on real Table Storage (Azurite). */
class TableJobStoreTest extends JobStoreContractTest {

    private static TableStorage storage;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "t" + System.nanoTime(), Json.mapper())
                .ensureTables();
    }

    @AfterAll
    static void dropTables() {
        storage.dropTables();
    }

    @Override
    protected JobStore newStore() {
        // Each test uses a fresh tenant (partition), so one set of tables serves the class.
        return storage.jobStore();
    }
}
