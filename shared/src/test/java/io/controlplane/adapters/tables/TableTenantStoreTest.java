package io.controlplane.adapters.tables;

import io.controlplane.api.Json;
import io.controlplane.ports.TenantStore;
import io.controlplane.ports.TenantStoreContractTest;
import io.controlplane.testing.Azurite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The tenant store contract on real Table Storage (Azurite). */
class TableTenantStoreTest extends TenantStoreContractTest {

    private static TableStorage storage;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "n" + System.nanoTime(), Json.mapper())
                .ensureTables();
    }

    @AfterAll
    static void dropTables() {
        storage.dropTables();
    }

    @Override
    protected TenantStore newStore() {
        return storage.tenantStore();
    }
}
