package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableItem;
import io.controlplane.adapters.tables.TableStorage;
import io.controlplane.api.Json;
import io.controlplane.testing.Azurite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * Export and erase on real Table Storage (Azurite). After an erase, every entity of every table of
 * the deployment is read back raw: none may have the tenant as its partition, a partition of its
 * (mappings: {@code <tenant>|<scope>}), or any property whose value is the tenant id (ready entries,
 * agents' registering identity, the entitlement's row key).
 */
class TenantDataOnTableStorageTest extends TenantDataTest {

    private String prefix;
    private TableStorage storage;

    @Override
    protected UseCases.Stores stores() {
        prefix = "g" + ProcessHandle.current().pid() + "x" + System.nanoTime() % 1_000_000;
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, prefix, Json.mapper()).ensureTables();
        return new UseCases.Stores(storage.jobStore(), storage.agentStore(), storage.readyQueue(), storage.tenantStore(),
                storage.mappingStore(), storage.leaseExpiries());
    }

    @AfterEach
    void dropTables() {
        storage.dropTables();
    }

    @Override
    protected void assertNothingStoredFor(String tenantId) {
        TableServiceClient service = new TableServiceClientBuilder().connectionString(Azurite.shared().connectionString()).buildClient();
        List<String> tables = new ArrayList<>();
        for (TableItem item : service.listTables()) {
            if (item.getName().startsWith(prefix)) {
                tables.add(item.getName());
            }
        }
        assertThat(tables).as("the deployment's tables").hasSizeGreaterThanOrEqualTo(5);
        int others = 0;
        for (String name : tables) {
            TableClient table = service.getTableClient(name);
            for (TableEntity entity : table.listEntities()) {
                String where = name + " " + entity.getPartitionKey() + " / " + entity.getRowKey();
                assertThat(entity.getPartitionKey()).as(where).isNotEqualTo(tenantId).doesNotStartWith(tenantId + "|");
                assertThat(entity.getRowKey()).as(where).doesNotContain(tenantId);
                for (Map.Entry<String, Object> property : entity.getProperties().entrySet()) {
                    assertThat(String.valueOf(property.getValue())).as(where + " " + property.getKey()).doesNotContain(tenantId);
                }
                others++;
            }
        }
        assertThat(others).as("the other tenant's entities are still there").isPositive();
    }
}
