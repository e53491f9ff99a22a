package io.controlplane.adapters.tables;

import io.controlplane.api.Json;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.ReadyQueueContractTest;
import io.controlplane.testing.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class TableReadyQueueTest extends ReadyQueueContractTest {

    private static TableStorage storage;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "q" + System.nanoTime(), Json.mapper())
                .ensureTables();
    }

    @AfterAll
    static void dropTables() {
        storage.dropTables();
    }

    @Override
    protected ReadyQueue newQueue() {
        return storage.readyQueue();
    }
}
