package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import io.controlplane.ports.LeaseExpiries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The lease-expiry index in Table Storage: PartitionKey = region, RowKey = due time (epoch millis,
 * zero-padded) | tenant | job | epoch, so what is due is one bounded range query from the start of
 * the partition. The partition sees about one write per lease and per lease period (a claim adds,
 * a pass moves an extended lease once per expiry), far below a partition's 2,000 entities/s.
 */
final class TableLeaseExpiries implements LeaseExpiries {

    private static final int MAX_TOP = 1000;

    private final TableClient table;

    TableLeaseExpiries(TableClient table) {
        this.table = table;
    }

    @Override
    public void add(Due due) {
        TableEntity e = new TableEntity(due.region(), rowKey(due));
        e.addProperty("TenantId", due.tenantId());
        e.addProperty("JobId", due.jobId());
        e.addProperty("Epoch", due.epoch());
        e.addProperty("LeaseId", due.leaseId());
        table.upsertEntityWithResponse(e, TableEntityUpdateMode.REPLACE, null, null);
    }

    @Override
    public List<Due> due(String region, Instant now, int limit) {
        // Every key of the range starts with a due time of 13 digits, so "up to now" is "below now + 1 ms".
        String filter = "PartitionKey eq " + OData.quote(region) + " and RowKey lt "
                + OData.quote(millis(now.toEpochMilli() + 1));
        List<Due> due = new ArrayList<>();
        Iterator<TableEntity> rows = table.listEntities(new ListEntitiesOptions().setFilter(filter)
                .setTop(Math.min(limit, MAX_TOP)), null, null).iterator();
        while (due.size() < limit && rows.hasNext()) {
            due.add(toDue(rows.next()));
        }
        return due;
    }

    @Override
    public void remove(Due due) {
        RowDeletes.deleteRow(table, new TableEntity(due.region(), rowKey(due)), false);
    }

    @Override
    public void eraseTenant(String tenantId) {
        // Across regions: a scan of a table that holds only the leases of running jobs.
        RowDeletes.deleteMatching(table, "TenantId eq " + OData.quote(tenantId));
    }

    private static String rowKey(Due due) {
        return millis(due.at().toEpochMilli()) + "|" + due.tenantId() + "|" + due.jobId() + "|" + due.epoch();
    }

    private static String millis(long value) {
        return String.format("%013d", value);
    }

    private static Due toDue(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        long at = Long.parseLong(e.getRowKey().substring(0, e.getRowKey().indexOf('|')));
        return new Due(e.getPartitionKey(), Instant.ofEpochMilli(at), (String) p.get("TenantId"), (String) p.get("JobId"),
                ((Number) p.get("Epoch")).longValue(), (String) p.get("LeaseId"));
    }
}
