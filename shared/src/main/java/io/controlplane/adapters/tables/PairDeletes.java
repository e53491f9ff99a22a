package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import java.util.ArrayList;
import java.util.List;

/**
 * Conditional deletes of mapping pairs (each row on condition of its ETag), so that a row someone
 * wrote or confirmed since it was read stays. Pairs go whole: up to 50 pairs (100 rows) in one
 * transaction; when that is refused (a row changed or is gone), each pair in a transaction of its
 * own, so a pair whose rows changed is left whole; a pair whose partner row is gone already has its
 * remaining row deleted alone.
 */
final class PairDeletes {

    private PairDeletes() {
    }

    /** Each element is one pair's rows (one or two), all in one partition, each with its ETag. */
    static void deleteIfUnchanged(TableClient table, List<List<TableEntity>> pairs) {
        List<List<TableEntity>> batch = new ArrayList<>();
        int rows = 0;
        for (List<TableEntity> pair : pairs) {
            if (rows + pair.size() > MappingRows.ROWS_PER_TRANSACTION) {
                deleteBatch(table, batch);
                batch.clear();
                rows = 0;
            }
            batch.add(pair);
            rows += pair.size();
        }
        deleteBatch(table, batch);
    }

    private static void deleteBatch(TableClient table, List<List<TableEntity>> pairs) {
        if (pairs.isEmpty()) {
            return;
        }
        if (pairs.size() > 1 && delete(table, pairs.stream().flatMap(List::stream).toList()) == Refusal.NONE) {
            return;
        }
        for (List<TableEntity> pair : pairs) {
            if (delete(table, pair) == Refusal.GONE && pair.size() > 1) {
                // Its partner is gone already (an interrupted delete): the other row goes alone.
                pair.forEach(row -> delete(table, List.of(row)));
            }
        }
    }

    private enum Refusal { NONE, CHANGED, GONE }

    private static Refusal delete(TableClient table, List<TableEntity> rows) {
        if (rows.isEmpty()) {
            return Refusal.NONE;
        }
        try {
            table.submitTransaction(rows.stream().map(row -> new TableTransactionAction(TableTransactionActionType.DELETE, row, true))
                    .toList());
            return Refusal.NONE;
        } catch (TableServiceException e) {
            if (TableErrors.isPreconditionFailed(e)) {
                return Refusal.CHANGED;
            }
            if (TableErrors.isNotFound(e) && !TableErrors.isTableMissing(e)) {
                return Refusal.GONE;
            }
            throw e;
        }
    }

    /** A transaction refused as a whole because a row changed or is gone (the table exists): nothing of it was done. */
    static boolean refusedAsAWhole(TableServiceException e) {
        return TableErrors.isPreconditionFailed(e) || (TableErrors.isNotFound(e) && !TableErrors.isTableMissing(e));
    }
}
