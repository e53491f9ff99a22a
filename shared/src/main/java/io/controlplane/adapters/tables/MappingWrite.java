package io.controlplane.adapters.tables;

import static io.controlplane.adapters.tables.MappingRows.PAIRS_PER_TRANSACTION;
import static io.controlplane.adapters.tables.MappingRows.WRITE_ID;
import static io.controlplane.adapters.tables.MappingRows.confirmedBy;
import static io.controlplane.adapters.tables.MappingRows.forwardKey;
import static io.controlplane.adapters.tables.MappingRows.reverseKey;
import static io.controlplane.adapters.tables.MappingRows.toMapping;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionResponse;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionResult;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.MappingConflictException;
import io.controlplane.ports.MappingStore.Recorded;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link io.controlplane.ports.MappingStore#record} call on Table Storage, written
 * optimistically (see docs/adr/0003-write-once-mappings.md). Each transaction creates up to 50
 * pairs, both rows of each, in the scope's one partition, without reading first: 1,000 new pairs
 * cost 20 requests. A transaction refused because one of its rows exists has its pairs read and
 * sorted out, and is sent again without the pairs stored already:
 * <ul>
 * <li>a stored equal pair counts as already present only once this call has <em>confirmed</em> it:
 *   a merge of its rows, in the same transaction and on condition of the ETags read, that changes
 *   their ETag and write id. The call that created the pair deletes its own rows only on condition
 *   of the ETag it created (or while they carry its write id), so should that call fail and undo,
 *   the confirmed pair stays: a pair any call counted is never deleted by another call's undo;</li>
 * <li>a pair that contradicts a stored one refuses the call, and what this call created is undone
 *   (those conditions again): nothing it added stays, except pairs another call confirmed
 *   meanwhile, which that call was told are stored.</li>
 * </ul>
 */
final class MappingWrite {

    private static final Logger LOG = LoggerFactory.getLogger(MappingWrite.class);
    /** Reads and retries of one transaction that concurrent writers keep refusing. */
    private static final int MAX_ATTEMPTS = 3;

    private final TableClient table;
    private final String partition;
    private final String writeId = UUID.randomUUID().toString();
    /**
     * Per pair, the rows this call created (row key → the ETag it created, null when not known):
     * what an undo may delete. Pairs created together stay together, so an undo deletes whole pairs.
     */
    private final Map<IdMapping, Map<String, String>> own = new LinkedHashMap<>();

    MappingWrite(TableClient table, String partition) {
        this.table = table;
        this.partition = partition;
    }

    /** What one transaction's pairs came to: how many were stored already, and which contradict stored ones. */
    private record Outcome(int present, List<IdMapping[]> conflicts) {
        static final Outcome ALL_NEW = new Outcome(0, List.of());
    }

    /** Records the distinct {@code pairs} of a call of {@code items} items, all or nothing. */
    Recorded record(List<IdMapping> pairs, int items) {
        int present = 0;
        try {
            for (int from = 0; from < pairs.size(); from += PAIRS_PER_TRANSACTION) {
                int to = Math.min(pairs.size(), from + PAIRS_PER_TRANSACTION);
                Outcome outcome = write(pairs.subList(from, to));
                if (!outcome.conflicts().isEmpty()) {
                    undo();
                    throw refusal(outcome.conflicts(), pairs.subList(to, pairs.size()));
                }
                present += outcome.present();
            }
        } catch (MappingConflictException refused) {
            throw refused;
        } catch (RuntimeException e) {
            try {
                undo();
            } catch (RuntimeException undoFailed) {
                e.addSuppressed(undoFailed);
            }
            throw e;
        }
        int recorded = pairs.size() - present;
        return new Recorded(recorded, items - recorded);
    }

    /** The fast path: creates the pairs in one transaction; sorts them out when a row exists. */
    private Outcome write(List<IdMapping> pairs) {
        List<TableTransactionAction> actions = new ArrayList<>(pairs.size() * 2);
        Map<String, IdMapping> pairOf = new HashMap<>();
        for (IdMapping pair : pairs) {
            for (String rowKey : List.of(forwardKey(pair), reverseKey(pair))) {
                actions.add(new TableTransactionAction(TableTransactionActionType.CREATE,
                        MappingRows.row(partition, rowKey, pair, writeId)));
                pairOf.put(rowKey, pair);
            }
        }
        if (submit(actions, pairOf)) {
            return Outcome.ALL_NEW;
        }
        return resolve(pairs);
    }

    /**
     * Reads the pairs' rows and writes again: creates what is missing, confirms what is stored
     * (merge on condition of the ETags read), and refuses contradictions. A concurrent writer that
     * changes the rows in between makes it read again, a bounded number of times.
     */
    private Outcome resolve(List<IdMapping> pairs) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Map<String, TableEntity> stored = read(pairs);
            List<IdMapping[]> conflicts = new ArrayList<>();
            List<TableTransactionAction> actions = new ArrayList<>();
            Map<String, IdMapping> creating = new HashMap<>();
            int present = 0;
            for (IdMapping pair : pairs) {
                Optional<IdMapping> contradicted = contradiction(pair, stored);
                if (contradicted.isPresent()) {
                    conflicts.add(new IdMapping[] {pair, contradicted.get()});
                    continue;
                }
                boolean someoneElses = false;
                for (String rowKey : List.of(forwardKey(pair), reverseKey(pair))) {
                    TableEntity row = stored.get(rowKey);
                    Object writer = row == null ? null : row.getProperties().get(WRITE_ID);
                    if (row == null) {
                        actions.add(new TableTransactionAction(TableTransactionActionType.CREATE,
                                MappingRows.row(partition, rowKey, pair, writeId)));
                        creating.put(rowKey, pair);
                    } else if (writeId.equals(writer)) {
                        // Ours: a transaction whose answer was lost (the SDK's retry met our own rows).
                        remember(pair, rowKey, row.getETag());
                    } else {
                        someoneElses = true;
                        if (!confirmedBy(writeId).equals(writer)) {
                            TableEntity confirm = MappingRows.key(partition, rowKey, row.getETag());
                            confirm.addProperty(WRITE_ID, confirmedBy(writeId));
                            actions.add(new TableTransactionAction(TableTransactionActionType.UPDATE_MERGE, confirm, true));
                        }
                    }
                }
                if (someoneElses) {
                    present++;
                }
            }
            if (!conflicts.isEmpty()) {
                return new Outcome(present, conflicts);
            }
            if (actions.isEmpty() || submit(actions, creating)) {
                return new Outcome(present, List.of());
            }
            LOG.info("event=mapping_write_raced partition={} attempt={} pairs={}", partition, attempt, pairs.size());
        }
        throw new ConcurrencyConflictException("The mappings of this scope kept changing while they were recorded; "
                + "nothing of this request was recorded. Send it again.");
    }

    /** A stored row of the pair's keys that holds another pair, if any. */
    private static Optional<IdMapping> contradiction(IdMapping pair, Map<String, TableEntity> stored) {
        for (String rowKey : List.of(forwardKey(pair), reverseKey(pair))) {
            TableEntity row = stored.get(rowKey);
            if (row != null && !toMapping(row).equals(pair)) {
                return Optional.of(toMapping(row));
            }
        }
        return Optional.empty();
    }

    /** Both rows of every pair, read side by side; only the rows that exist are in the map. */
    private Map<String, TableEntity> read(List<IdMapping> pairs) {
        List<String> keys = new ArrayList<>(pairs.size() * 2);
        for (IdMapping pair : pairs) {
            keys.add(forwardKey(pair));
            keys.add(reverseKey(pair));
        }
        List<Optional<TableEntity>> rows = ParallelCalls.map(keys, key -> MappingRows.find(table, partition, key));
        Map<String, TableEntity> stored = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            rows.get(i).ifPresent(row -> stored.put(row.getRowKey(), row));
        }
        return stored;
    }

    /**
     * Sends one transaction; true when it committed, false when a row it creates exists or a row it
     * confirms changed. Rows it creates are remembered for the undo; with the ETag of their
     * sub-response when the SDK passes it on (azure-data-tables 12.5 drops sub-response headers,
     * then {@link #undo} reads the row), and also when the outcome is unknown (the transaction may
     * have committed): the undo then deletes them only if they carry this call's write id.
     */
    private boolean submit(List<TableTransactionAction> actions, Map<String, IdMapping> creating) {
        TableTransactionResult result;
        try {
            result = table.submitTransaction(actions);
        } catch (TableServiceException e) {
            if (PairDeletes.refusedAsAWhole(e) || TableErrors.isAlreadyExists(e)) {
                return false; // an entity group transaction is atomic: nothing of it was written
            }
            creating.forEach((rowKey, pair) -> remember(pair, rowKey, null));
            throw e;
        } catch (RuntimeException e) {
            creating.forEach((rowKey, pair) -> remember(pair, rowKey, null));
            throw e;
        }
        creating.forEach((rowKey, pair) -> {
            TableTransactionActionResponse response = result.getTableTransactionActionResponseByRowKey(rowKey);
            remember(pair, rowKey, response == null || response.getHeaders() == null ? null : Etags.from(response.getHeaders()));
        });
        return true;
    }

    private void remember(IdMapping pair, String rowKey, String etag) {
        own.computeIfAbsent(pair, p -> new LinkedHashMap<>()).put(rowKey, etag);
    }

    /**
     * Deletes what this call created, whole pairs, each row on condition of the ETag it created. A
     * row whose ETag is not known is read first and left, with its partner, unless it still carries
     * this call's write id: a row another call confirmed, or erased and wrote again, is theirs.
     */
    private void undo() {
        List<List<TableEntity>> pairs = ParallelCalls.map(new ArrayList<>(own.values()), this::stillOwn).stream()
                .filter(rows -> !rows.isEmpty()).toList();
        own.clear();
        PairDeletes.deleteIfUnchanged(table, pairs);
    }

    /** The pair's rows with their ETags, or none when a row of it is no longer this call's. */
    private List<TableEntity> stillOwn(Map<String, String> rows) {
        List<TableEntity> keys = new ArrayList<>();
        for (Map.Entry<String, String> row : rows.entrySet()) {
            String etag = row.getValue();
            if (etag == null) {
                Optional<TableEntity> stored = MappingRows.find(table, partition, row.getKey());
                if (stored.isEmpty()) {
                    continue; // gone already
                }
                if (!writeId.equals(stored.get().getProperties().get(WRITE_ID))) {
                    return List.of();
                }
                etag = stored.get().getETag();
            }
            keys.add(MappingRows.key(partition, row.getKey(), etag));
        }
        return keys;
    }

    /**
     * The refusal of the call: the first contradicting pair, and how many more items contradict what
     * is stored (the pairs not written yet are read for it; nothing is written).
     */
    private MappingConflictException refusal(List<IdMapping[]> conflicts, List<IdMapping> unwritten) {
        int more = conflicts.size() - 1;
        for (int from = 0; from < unwritten.size(); from += PAIRS_PER_TRANSACTION) {
            List<IdMapping> pairs = unwritten.subList(from, Math.min(unwritten.size(), from + PAIRS_PER_TRANSACTION));
            Map<String, TableEntity> stored = read(pairs);
            more += (int) pairs.stream().filter(pair -> contradiction(pair, stored).isPresent()).count();
        }
        IdMapping[] first = conflicts.get(0);
        return MappingConflictException.withStored(first[0], first[1], more);
    }
}
