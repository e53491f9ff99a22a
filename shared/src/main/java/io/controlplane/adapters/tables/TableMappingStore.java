package io.controlplane.adapters.tables;

import static io.controlplane.adapters.tables.MappingRows.FORWARD;
import static io.controlplane.adapters.tables.MappingRows.forwardKey;
import static io.controlplane.adapters.tables.MappingRows.partition;
import static io.controlplane.adapters.tables.MappingRows.reverseKey;
import static io.controlplane.adapters.tables.MappingRows.toMapping;

import com.azure.data.tables.TableClient;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Page;
import io.controlplane.ports.ContinuationTokens;
import io.controlplane.ports.InvalidContinuationTokenException;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.RequestedMappings;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * ID mappings in Table Storage, one partition per tenant and scope, two rows per pair (see
 * {@link MappingRows}). A forward row exists exactly when its reverse row does: both rows of a pair
 * are created, confirmed and deleted in the same transaction (save lone reverse rows left by a
 * row-by-row delete cut short, which a scope erase removes). Recording is optimistic, transactions
 * first ({@link MappingWrite}); a scope erase leaves what concurrent writers record ({@link ScopeErase}).
 */
final class TableMappingStore implements MappingStore {


    private final TableClient table;

    TableMappingStore(TableClient table) {
        this.table = table;
    }

    @Override
    public Recorded record(String tenantId, String scope, List<IdMapping> items) {
        String partition = partition(tenantId, scope);
        RequestedMappings requested = RequestedMappings.of(items);
        return new MappingWrite(table, partition).record(requested.distinct(), items.size());
    }

    @Override
    public Optional<IdMapping> findBySource(String tenantId, String scope, String type, String sourceId) {
        String partition = partition(tenantId, scope);
        return storable(type, sourceId) ? read(partition, forwardKey(type, sourceId)) : Optional.empty();
    }

    @Override
    public Optional<IdMapping> findByTarget(String tenantId, String scope, String type, String targetId) {
        String partition = partition(tenantId, scope);
        return storable(type, targetId) ? read(partition, reverseKey(type, targetId)) : Optional.empty();
    }

    /** An id that no valid mapping has is found nowhere (and makes no malformed key). */
    private static boolean storable(String type, String id) {
        return IdMapping.typeProblem(type).isEmpty() && IdMapping.idProblem(id).isEmpty();
    }

    private Optional<IdMapping> read(String partition, String rowKey) {
        return MappingRows.find(table, partition, rowKey).map(MappingRows::toMapping);
    }

    @Override
    public Page<IdMapping> list(String tenantId, String scope, String type, int limit, String continuationToken) {
        String partition = partition(tenantId, scope);
        if (type != null && IdMapping.typeProblem(type).isPresent()) {
            return new Page<>(List.of(), null);
        }
        String start = type == null ? FORWARD : FORWARD + type + IdMapping.KEY_SEPARATOR;
        String end = start.substring(0, start.length() - 1) + (char) (IdMapping.KEY_SEPARATOR + 1);
        String after = ContinuationTokens.keyOf(continuationToken);
        if (after != null && !after.startsWith(start)) {
            throw new InvalidContinuationTokenException();
        }
        String filter = "PartitionKey eq " + OData.quote(partition)
                + " and RowKey " + (after == null ? "ge " + OData.quote(start) : "gt " + OData.quote(after))
                + " and RowKey lt " + OData.quote(end);
        PageRead<IdMapping> page = PageRead.of(table, filter, limit, MappingRows::toMapping);
        return new Page<>(page.items(), page.more() ? ContinuationTokens.after(page.lastRowKey()) : null);
    }

    @Override
    public boolean eraseIfUnused(String tenantId, String scope, BooleanSupplier unused) {
        return new ScopeErase(table, partition(tenantId, scope)).run(unused);
    }

    @Override
    public void eraseTenant(String tenantId) {
        // Every scope of the tenant: partitions "<tenant>|..." sort between "<tenant>|" and "<tenant>}".
        RowDeletes.deleteMatching(table, "PartitionKey ge " + OData.quote(tenantId + IdMapping.KEY_SEPARATOR)
                + " and PartitionKey lt " + OData.quote(tenantId + (char) (IdMapping.KEY_SEPARATOR + 1)));
    }
}
