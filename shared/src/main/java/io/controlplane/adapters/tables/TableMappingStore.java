package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionResponse;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionResult;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.MappingConflictException;
import io.controlplane.domain.Page;
import io.controlplane.ports.ContinuationTokens;
import io.controlplane.ports.InvalidContinuationTokenException;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.RequestedMappings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ID mappings in Table Storage. PartitionKey = {@code <tenant>|<scope>} (the scope has no '|', so
 * the key names one tenant's scope and no other); each pair is two rows, {@code f|<type>|<sourceId>}
 * (forward) and {@code r|<type>|<targetId>} (reverse), each holding the whole pair, so a lookup
 * either way is one point read.
 *
 * <p>Both rows of a pair are created in the same entity group transaction, and deleted in the same
 * one, so a forward row exists exactly when its reverse row does. A {@link #record} call first
 * reads what is stored (in parallel: a forward read per pair, and a reverse read for each pair
 * whose source is unmapped), refuses the call on any conflict, then creates the new pairs, 50 per
 * transaction (100 rows, the limit), every transaction inside the one partition. A concurrent
 * writer that makes a transaction fail is answered by deleting what this call created (each row on
 * condition of its ETag, and only while it carries this call's write id) and looking again: the
 * writer may have stored the same pairs, which is no conflict.
 */
final class TableMappingStore implements MappingStore {

    private static final Logger LOG = LoggerFactory.getLogger(TableMappingStore.class);

    /** Two rows per pair and 100 entities per transaction. */
    static final int PAIRS_PER_TRANSACTION = 50;
    private static final int ROWS_PER_TRANSACTION = 100;
    private static final int MAX_ATTEMPTS = 3;
    private static final int MAX_TOP = 1000;
    private static final String FORWARD = "f|";
    private static final String REVERSE = "r|";
    /** Marks the rows one {@link #record} call created, so that it undoes its own rows only. */
    private static final String WRITE_ID = "WriteId";

    /**
     * Point reads run in parallel on these threads (I/O bound; a 1,000-item call makes up to 2,000
     * reads). Shared by every store of the JVM, which also bounds the load one instance puts on a
     * partition; idle threads end, so there is nothing to close.
     */
    private static final ExecutorService READS = readPool(16);

    private final TableClient table;

    TableMappingStore(TableClient table) {
        this.table = table;
    }

    private static ExecutorService readPool(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "mapping-reads-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    @Override
    public Recorded record(String tenantId, String scope, List<IdMapping> items) {
        String partition = partition(tenantId, scope);
        RequestedMappings requested = RequestedMappings.of(items);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            List<IdMapping> fresh = unstored(partition, requested.distinct());
            if (create(partition, fresh)) {
                return new Recorded(fresh.size(), items.size() - fresh.size());
            }
            LOG.info("event=mapping_write_raced tenant={} attempt={} pairs={}", tenantId, attempt, fresh.size());
        }
        throw new ConcurrencyConflictException("The mappings of this scope kept changing while they were recorded; "
                + "nothing of this request was recorded. Send it again.");
    }

    /** The pairs not stored yet; throws when any pair conflicts with a stored one. */
    private List<IdMapping> unstored(String partition, List<IdMapping> pairs) {
        List<Optional<IdMapping>> forward = readAll(partition, pairs, m -> forwardKey(m.type(), m.sourceId()));
        List<IdMapping> unmappedSources = new ArrayList<>();
        List<IdMapping[]> conflicts = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            IdMapping pair = pairs.get(i);
            Optional<IdMapping> stored = forward.get(i);
            if (stored.isEmpty()) {
                unmappedSources.add(pair);
            } else if (!stored.get().equals(pair)) {
                conflicts.add(new IdMapping[] {pair, stored.get()});
            }
        }
        // A pair's rows are written together, so an unmapped source is either new or its target is
        // mapped from another source: one reverse read tells.
        List<Optional<IdMapping>> reverse = readAll(partition, unmappedSources, m -> reverseKey(m.type(), m.targetId()));
        List<IdMapping> fresh = new ArrayList<>();
        for (int i = 0; i < unmappedSources.size(); i++) {
            IdMapping pair = unmappedSources.get(i);
            Optional<IdMapping> stored = reverse.get(i);
            if (stored.isEmpty()) {
                fresh.add(pair);
            } else {
                conflicts.add(new IdMapping[] {pair, stored.get()});
            }
        }
        if (!conflicts.isEmpty()) {
            throw MappingConflictException.withStored(conflicts.get(0)[0], conflicts.get(0)[1], conflicts.size() - 1);
        }
        return fresh;
    }

    private List<Optional<IdMapping>> readAll(String partition, List<IdMapping> pairs, Function<IdMapping, String> rowKey) {
        return inParallel(pairs, pair -> read(partition, rowKey.apply(pair)));
    }

    private static <T, R> List<R> inParallel(List<T> inputs, Function<T, R> call) {
        List<Future<R>> calls = new ArrayList<>(inputs.size());
        for (T input : inputs) {
            calls.add(READS.submit(() -> call.apply(input)));
        }
        List<R> results = new ArrayList<>(inputs.size());
        try {
            for (Future<R> pending : calls) {
                results.add(pending.get());
            }
        } catch (InterruptedException e) {
            calls.forEach(c -> c.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading mappings", e);
        } catch (ExecutionException e) {
            calls.forEach(c -> c.cancel(true));
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        }
        return results;
    }

    /**
     * Creates the pairs, {@link #PAIRS_PER_TRANSACTION} per transaction, every row marked with this
     * call's write id. False when a concurrent writer stored one of the rows first: then what this
     * call created is deleted again.
     */
    private boolean create(String partition, List<IdMapping> pairs) {
        String writeId = UUID.randomUUID().toString();
        List<List<TableEntity>> committed = new ArrayList<>();
        for (int from = 0; from < pairs.size(); from += PAIRS_PER_TRANSACTION) {
            List<TableEntity> rows = new ArrayList<>();
            for (IdMapping pair : pairs.subList(from, Math.min(pairs.size(), from + PAIRS_PER_TRANSACTION))) {
                rows.add(row(partition, forwardKey(pair.type(), pair.sourceId()), pair, writeId));
                rows.add(row(partition, reverseKey(pair.type(), pair.targetId()), pair, writeId));
            }
            List<TableTransactionAction> actions = rows.stream()
                    .map(row -> new TableTransactionAction(TableTransactionActionType.CREATE, row))
                    .toList();
            try {
                TableTransactionResult result = table.submitTransaction(actions);
                committed.add(created(rows, result));
            } catch (TableServiceException e) {
                undo(committed, writeId);
                if (TableErrors.isAlreadyExists(e)) {
                    return false;
                }
                throw e;
            } catch (RuntimeException e) {
                undo(committed, writeId);
                throw e;
            }
        }
        return true;
    }

    /**
     * The created rows' keys, each with the ETag of its sub-response when the SDK passes it on.
     * (azure-data-tables 12.5 drops sub-response headers although the service sends ETags; then
     * {@link #undo} finds the ETag itself, only on that rare path.)
     */
    private static List<TableEntity> created(List<TableEntity> rows, TableTransactionResult result) {
        List<TableEntity> created = new ArrayList<>(rows.size());
        for (TableEntity row : rows) {
            TableTransactionActionResponse response = result.getTableTransactionActionResponseByRowKey(row.getRowKey());
            TableEntity key = new TableEntity(row.getPartitionKey(), row.getRowKey());
            String etag = response == null || response.getHeaders() == null ? null : Etags.from(response.getHeaders());
            if (etag != null) {
                key.addProperty("odata.etag", etag);
            }
            created.add(key);
        }
        return created;
    }

    /**
     * Deletes what this call created, transaction by transaction as created, each row on condition
     * of its ETag. A row without one is read first and kept out unless it still carries this call's
     * write id: a row someone else erased and wrote again meanwhile is theirs, not ours to delete.
     */
    private void undo(List<List<TableEntity>> committed, String writeId) {
        for (List<TableEntity> created : committed) {
            List<TableEntity> rows = inParallel(created, row -> row.getETag() != null ? Optional.of(row)
                    : ownRow(row.getPartitionKey(), row.getRowKey(), writeId))
                    .stream().flatMap(Optional::stream).toList();
            if (rows.isEmpty()) {
                continue;
            }
            List<TableTransactionAction> deletes = rows.stream()
                    .map(row -> new TableTransactionAction(TableTransactionActionType.DELETE, row, true))
                    .toList();
            try {
                table.submitTransaction(deletes);
            } catch (TableServiceException e) {
                if (!TableErrors.isNotFound(e) && !TableErrors.isPreconditionFailed(e)) {
                    throw e;
                }
                // Someone else erased or replaced some of them meanwhile: delete the rest one by one.
                for (TableEntity row : rows) {
                    RowDeletes.deleteRow(table, row, true);
                }
            }
        }
    }

    /** The row's key and ETag if it is still the one call {@code writeId} created. */
    private Optional<TableEntity> ownRow(String partition, String rowKey, String writeId) {
        try {
            TableEntity stored = table.getEntity(partition, rowKey);
            if (!writeId.equals(stored.getProperties().get(WRITE_ID))) {
                return Optional.empty();
            }
            TableEntity key = new TableEntity(partition, rowKey);
            key.addProperty("odata.etag", stored.getETag());
            return Optional.of(key);
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e) && !TableErrors.isTableMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
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
        try {
            return Optional.of(toMapping(table.getEntity(partition, rowKey)));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e) && !TableErrors.isTableMissing(e)) {
                return Optional.empty();
            }
            throw e;
        }
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
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter).setTop(Math.min(limit + 1, MAX_TOP));
        List<IdMapping> items = new ArrayList<>();
        String lastKey = null;
        boolean more = false;
        Iterator<TableEntity> rows = table.listEntities(options, null, null).iterator();
        while (rows.hasNext()) {
            TableEntity row = rows.next();
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(toMapping(row));
            lastKey = row.getRowKey();
        }
        return new Page<>(items, more ? ContinuationTokens.after(lastKey) : null);
    }

    @Override
    public void erase(String tenantId, String scope) {
        String partition = partition(tenantId, scope);
        // Pair by pair (both rows in one transaction), so an interrupted erase leaves whole pairs.
        String forwardOnly = "PartitionKey eq " + OData.quote(partition) + " and RowKey ge " + OData.quote(FORWARD)
                + " and RowKey lt " + OData.quote("f" + (char) (IdMapping.KEY_SEPARATOR + 1));
        List<TableEntity> batch = new ArrayList<>();
        for (TableEntity row : table.listEntities(new ListEntitiesOptions().setFilter(forwardOnly), null, null)) {
            IdMapping pair = toMapping(row);
            batch.add(new TableEntity(partition, row.getRowKey()));
            batch.add(new TableEntity(partition, reverseKey(pair.type(), pair.targetId())));
            if (batch.size() == ROWS_PER_TRANSACTION) {
                RowDeletes.deleteAll(table, batch);
                batch.clear();
            }
        }
        RowDeletes.deleteAll(table, batch);
        // Whatever is left (rows written meanwhile, or a row whose partner was lost) goes too.
        RowDeletes.deleteMatching(table, "PartitionKey eq " + OData.quote(partition));
    }

    @Override
    public void eraseTenant(String tenantId) {
        // Every scope of the tenant: partitions "<tenant>|..." sort between "<tenant>|" and "<tenant>}".
        RowDeletes.deleteMatching(table, "PartitionKey ge " + OData.quote(tenantId + IdMapping.KEY_SEPARATOR)
                + " and PartitionKey lt " + OData.quote(tenantId + (char) (IdMapping.KEY_SEPARATOR + 1)));
    }

    static String partition(String tenantId, String scope) {
        if (scope == null || scope.indexOf(IdMapping.KEY_SEPARATOR) >= 0 || !KeySafety.isKeySafe(scope)
                || !KeySafety.isTenantId(tenantId)) {
            throw new IllegalArgumentException("A mapping scope is key-safe and has no '|'; its tenant is a tenant id");
        }
        return tenantId + IdMapping.KEY_SEPARATOR + scope;
    }

    static String forwardKey(String type, String sourceId) {
        return FORWARD + type + IdMapping.KEY_SEPARATOR + sourceId;
    }

    static String reverseKey(String type, String targetId) {
        return REVERSE + type + IdMapping.KEY_SEPARATOR + targetId;
    }

    private static TableEntity row(String partition, String rowKey, IdMapping pair, String writeId) {
        TableEntity e = new TableEntity(partition, rowKey);
        e.addProperty("Type", pair.type());
        e.addProperty("SourceId", pair.sourceId());
        e.addProperty("TargetId", pair.targetId());
        e.addProperty(WRITE_ID, writeId);
        return e;
    }

    private static IdMapping toMapping(TableEntity e) {
        Map<String, Object> p = e.getProperties();
        return new IdMapping((String) p.get("Type"), (String) p.get("SourceId"), (String) p.get("TargetId"));
    }
}
