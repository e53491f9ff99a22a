package io.controlplane.adapters.tables;

import io.controlplane.api.Json;
import io.controlplane.ports.AgentStore;
import io.controlplane.ports.AgentStoreContractTest;
import io.controlplane.testing.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class TableAgentStoreTest extends AgentStoreContractTest {

    private static TableStorage storage;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "a" + System.nanoTime(), Json.mapper())
                .ensureTables();
    }

    @AfterAll
    static void dropTables() {
        storage.dropTables();
    }

    @Override
    protected AgentStore newStore() {
        return storage.agentStore();
    }
}
