package io.controlplane.adapters.tables;

import static io.controlplane.adapters.tables.MappingRows.ERASE_MARKER;
import static io.controlplane.adapters.tables.MappingRows.PAIRS_PER_TRANSACTION;
import static io.controlplane.adapters.tables.MappingRows.forwardKey;
import static io.controlplane.adapters.tables.MappingRows.reverseKey;
import static io.controlplane.adapters.tables.MappingRows.toMapping;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import io.controlplane.domain.IdMapping;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Erases one scope's mappings without erasing what a concurrent writer records meanwhile. The
 * erase first takes the storage's own time (the Timestamp of a marker row in the scope's
 * partition), and only then asks whether the scope is still unused; it deletes only rows stamped
 * at or before that time, each on condition of the ETag it listed. A call that records or confirms
 * a pair after the question was asked writes it later, so the pair has a later Timestamp and a new
 * ETag and stays. With no concurrent writer, every row of the scope goes, and the marker last.
 *
 * <p>Pairs are deleted whole (both rows in one transaction), so an erase cut short leaves whole
 * pairs. This costs a point read of each pair's reverse row, for its ETag; an erase is rare and
 * runs in the background (job erase, retention purge).
 */
final class ScopeErase {

    /** Enough for any clock: Azure stamps in 100 ns, Azurite in 1 ms; a write takes longer. */
    private static final int MAX_STAMPS = 100;

    private final TableClient table;
    private final String partition;

    ScopeErase(TableClient table, String partition) {
        this.table = table;
        this.partition = partition;
    }

    /** Erases the scope when {@code unused}, asked after the erase began, says so; true when it did. */
    boolean run(BooleanSupplier unused) {
        try {
            OffsetDateTime began = began();
            if (!unused.getAsBoolean()) {
                return false;
            }
            erasePairs(began);
            eraseLoneReverseRows(began);
            return true;
        } finally {
            RowDeletes.deleteRow(table, new TableEntity(partition, ERASE_MARKER), false);
        }
    }

    /**
     * The storage's time when the erase began: the marker's first Timestamp, once a second write of
     * it is stamped later. Every row written before the erase began is stamped at or before it;
     * every write after the second stamp is stamped after it, whatever the clock's resolution.
     */
    private OffsetDateTime began() {
        OffsetDateTime first = stamp();
        for (int i = 0; i < MAX_STAMPS; i++) {
            if (stamp().isAfter(first)) {
                return first;
            }
        }
        throw new IllegalStateException("The storage clock of partition " + partition + " did not advance");
    }

    /** Writes the marker and reads its Timestamp (again if another erase of the scope removed it in between). */
    private OffsetDateTime stamp() {
        for (int i = 0; i < MAX_STAMPS; i++) {
            table.upsertEntity(new TableEntity(partition, ERASE_MARKER));
            Optional<TableEntity> marker = MappingRows.find(table, partition, ERASE_MARKER);
            if (marker.isPresent()) {
                return marker.get().getTimestamp();
            }
        }
        throw new IllegalStateException("Concurrent erases of partition " + partition + " kept removing the marker");
    }

    /** Every pair whose forward row is stamped at or before {@code began}, with its reverse row, 50 pairs at a time. */
    private void erasePairs(OffsetDateTime began) {
        inBatches(MappingRows.FORWARD, began, (forward, pairs) -> {
            List<Optional<TableEntity>> reverse = ParallelCalls.map(forward,
                    row -> MappingRows.find(table, partition, reverseKey(toMapping(row))));
            for (int i = 0; i < forward.size(); i++) {
                TableEntity f = forward.get(i);
                Optional<TableEntity> r = reverse.get(i).filter(row -> toMapping(row).equals(toMapping(f)));
                if (r.isEmpty()) {
                    pairs.add(List.of(keyOf(f))); // a forward row without its reverse (not written this way; kept safe)
                } else if (!r.get().getTimestamp().isAfter(began)) {
                    pairs.add(List.of(keyOf(f), keyOf(r.get())));
                }
                // A reverse row written after the erase began belongs to a pair someone wrote since: kept.
            }
        });
    }

    /**
     * Reverse rows whose forward row is gone: what a row-by-row delete cut short leaves (it deletes
     * the forward row first). A reverse row whose forward row holds the same pair is kept.
     */
    private void eraseLoneReverseRows(OffsetDateTime began) {
        inBatches(MappingRows.REVERSE, began, (reverse, rows) -> {
            List<Optional<TableEntity>> forward = ParallelCalls.map(reverse,
                    row -> MappingRows.find(table, partition, forwardKey(toMapping(row))));
            for (int i = 0; i < reverse.size(); i++) {
                IdMapping pair = toMapping(reverse.get(i));
                if (forward.get(i).filter(row -> toMapping(row).equals(pair)).isEmpty()) {
                    rows.add(List.of(keyOf(reverse.get(i))));
                }
            }
        });
    }

    /**
     * Lists the rows of one prefix stamped at or before {@code began}, 50 at a time, lets {@code
     * select} choose what to delete of them (pairs of rows), and deletes that, each row on
     * condition of its listed ETag.
     */
    private void inBatches(String prefix, OffsetDateTime began, BiConsumer<List<TableEntity>, List<List<TableEntity>>> select) {
        String filter = "PartitionKey eq " + OData.quote(partition) + " and RowKey ge " + OData.quote(prefix)
                + " and RowKey lt " + OData.quote(prefix.substring(0, prefix.length() - 1) + (char) (IdMapping.KEY_SEPARATOR + 1));
        List<TableEntity> batch = new ArrayList<>();
        for (TableEntity row : table.listEntities(new ListEntitiesOptions().setFilter(filter), null, null)) {
            if (!row.getTimestamp().isAfter(began)) {
                batch.add(row);
            }
            if (batch.size() == PAIRS_PER_TRANSACTION) {
                delete(batch, select);
                batch.clear();
            }
        }
        delete(batch, select);
    }

    private void delete(List<TableEntity> rows, BiConsumer<List<TableEntity>, List<List<TableEntity>>> select) {
        if (rows.isEmpty()) {
            return;
        }
        List<List<TableEntity>> chosen = new ArrayList<>();
        select.accept(rows, chosen);
        PairDeletes.deleteIfUnchanged(table, chosen);
    }

    private TableEntity keyOf(TableEntity row) {
        return MappingRows.key(partition, row.getRowKey(), row.getETag());
    }
}
