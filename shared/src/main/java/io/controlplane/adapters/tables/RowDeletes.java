package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import java.util.ArrayList;
import java.util.List;

/**
 * Unconditional deletes of rows in one partition, 100 to a transaction (the limit); a transaction
 * that fails because a row is gone already falls back to row-by-row deletes, so a delete that runs
 * twice, or beside another, still ends with every row gone.
 */
final class RowDeletes {

    static final int ROWS_PER_TRANSACTION = 100;

    private RowDeletes() {
    }

    /** Deletes every row the filter selects; every row must share one PartitionKey per batch (callers filter on one). */
    static int deleteMatching(TableClient table, String filter) {
        int deleted = 0;
        List<TableEntity> batch = new ArrayList<>();
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter).setSelect(List.of("PartitionKey", "RowKey"));
        for (TableEntity row : table.listEntities(options, null, null)) {
            if (!batch.isEmpty() && !batch.get(0).getPartitionKey().equals(row.getPartitionKey())) {
                deleted += deleteAll(table, batch);
                batch.clear();
            }
            batch.add(new TableEntity(row.getPartitionKey(), row.getRowKey()));
            if (batch.size() == ROWS_PER_TRANSACTION) {
                deleted += deleteAll(table, batch);
                batch.clear();
            }
        }
        return deleted + deleteAll(table, batch);
    }

    /** Deletes the rows (all of one partition, at most 100) in one transaction when none is missing. */
    static int deleteAll(TableClient table, List<TableEntity> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            table.submitTransaction(rows.stream().map(row -> new TableTransactionAction(TableTransactionActionType.DELETE, row)).toList());
        } catch (TableServiceException e) {
            if (!TableErrors.isNotFound(e)) {
                throw e;
            }
            rows.forEach(row -> deleteRow(table, row, false));
        }
        return rows.size();
    }

    /** Deletes one row; a row that is gone, or (with {@code ifUnchanged}) was changed, is left as it is. */
    static void deleteRow(TableClient table, TableEntity row, boolean ifUnchanged) {
        try {
            table.deleteEntityWithResponse(row, ifUnchanged, null, null);
        } catch (TableServiceException e) {
            if (!TableErrors.isNotFound(e) && !TableErrors.isPreconditionFailed(e)) {
                throw e;
            }
        }
    }
}
