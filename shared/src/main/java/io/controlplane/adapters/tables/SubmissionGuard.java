package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.JobState;
import io.controlplane.domain.QuotaExceededException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Keeps a tenant's unfinished jobs under its quota when creations race. Every unfinished job has a
 * marker row ({@code a:<jobId>}, see {@link JobEntities#unfinishedMarker}) in the tenant's partition,
 * created in the job's creation transaction and deleted in the transaction that finishes it (or
 * erases it), so the count is a key-range query over the markers: it reads at most the quota's
 * worth of rows, however many jobs the tenant has finished. A creation counts the markers and
 * commits its rows together with a write of the tenant's guard row ({@code g:submissions}, same
 * partition), conditional on the guard's ETag as read before the count. Of two creations that
 * counted the same jobs, only one can commit; the other counts again. Finishing a job never touches
 * the guard (finishing jobs do not contend): a job that finishes during the count only makes the
 * count err on the safe side, and a finished job never runs again, so only creations raise it.
 *
 * <p>Jobs stored before markers existed have none. The guard row says when a tenant's markers are
 * complete ({@value #MARKERS} = true); a tenant without it is counted once the old way (a scan of
 * its job rows by state), its unfinished jobs get their markers, and the guard is marked.
 */
final class SubmissionGuard {

    static final String ROW_KEY = "g:submissions";
    /** Guard property: every unfinished job of the tenant has its marker row. */
    static final String MARKERS = "Markers";
    private static final int MAX_ATTEMPTS = 64;

    private final TableClient table;
    private final String tenantId;

    SubmissionGuard(TableClient table, String tenantId) {
        this.table = table;
        this.tenantId = tenantId;
    }

    /**
     * Runs {@code commit} with {@code actions} plus the guard write, if the tenant has fewer than
     * {@code maxActiveJobs} unfinished jobs; again (after a short random pause) when another creation
     * committed first. {@code actions} must include the new job's marker.
     */
    <T> T createWithin(int maxActiveJobs, List<TableTransactionAction> actions, Function<List<TableTransactionAction>, T> commit,
                       Supplier<Optional<T>> committed) {
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1) {
                // An attempt whose answer was lost (and retried by the SDK) may have committed.
                Optional<T> done = committed.get();
                if (done.isPresent()) {
                    return done.get();
                }
            }
            TableEntity guard = read();
            if (!hasMarkers(guard)) {
                guard = addMarkers(guard);
            }
            if (countUnfinished(maxActiveJobs) >= maxActiveJobs) {
                throw new QuotaExceededException(tenantId, maxActiveJobs);
            }
            List<TableTransactionAction> guarded = new ArrayList<>(actions);
            guarded.add(guardWrite(guard));
            try {
                return commit.apply(guarded);
            } catch (ConcurrencyConflictException e) {
                if (!(e.getCause() instanceof TableTransactionFailedException failed) || !isGuard(failed, guarded.size() - 1)) {
                    throw e;
                }
            } catch (TableTransactionFailedException e) {
                if (!isGuard(e, guarded.size() - 1)) {
                    throw e;
                }
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new ConcurrencyConflictException("Too many concurrent submissions for tenant " + tenantId + "; submit again.");
            }
            pause(attempt);
        }
    }

    private static boolean isGuard(TableTransactionFailedException e, int guardIndex) {
        Integer failed = e.getFailedTransactionActionIndex();
        return failed != null && failed == guardIndex;
    }

    private static boolean hasMarkers(TableEntity guard) {
        return guard != null && Boolean.TRUE.equals(guard.getProperty(MARKERS));
    }

    /** The guard's next version (marked complete), created or replaced on condition of {@code guard}'s ETag. */
    private TableTransactionAction guardWrite(TableEntity guard) {
        TableEntity next = new TableEntity(tenantId, ROW_KEY);
        next.addProperty("Type", "SubmissionGuard");
        next.addProperty(MARKERS, true);
        if (guard == null) {
            return new TableTransactionAction(TableTransactionActionType.CREATE, next);
        }
        next.addProperty("odata.etag", guard.getETag()); // sent as If-Match
        return new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, next, true);
    }

    private TableEntity read() {
        try {
            return table.getEntity(tenantId, ROW_KEY);
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    /** The tenant's unfinished jobs, counted up to {@code atMost} (giving them their markers first if they predate them). */
    int unfinished(int atMost) {
        TableEntity guard = read();
        if (!hasMarkers(guard)) {
            addMarkers(guard);
        }
        return countUnfinished(atMost);
    }

    /** The tenant's unfinished jobs (their markers), counted up to {@code atMost}. */
    private int countUnfinished(int atMost) {
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(markerRange())
                .setSelect(List.of("RowKey")).setTop(Math.min(atMost, 1000));
        int count = 0;
        for (TableEntity ignored : table.listEntities(options, null, null)) {
            if (++count >= atMost) {
                break;
            }
        }
        return count;
    }

    private String markerRange() {
        return "PartitionKey eq " + OData.quote(tenantId)
                + " and RowKey ge " + OData.quote(JobEntities.UNFINISHED_ROW_PREFIX)
                + " and RowKey lt " + OData.quote(JobEntities.UNFINISHED_ROW_END);
    }

    /**
     * Gives the tenant's unfinished jobs their markers (once per tenant whose jobs predate them),
     * deletes every marker whose job is not unfinished, and marks the guard. Idempotent, and safe
     * beside concurrent creations (which write a job and its marker together), finishes and other
     * migrations: a job that finishes before its marker is written deletes no marker, so the markers
     * are listed after the write and the jobs read again, and the markers of jobs no longer
     * unfinished are deleted; a job that finishes after that read deletes its marker itself. Run
     * again (guard without {@value #MARKERS}), it also repairs markers left by jobs finished
     * elsewhere without deleting theirs.
     *
     * @return the guard as it is now
     */
    private TableEntity addMarkers(TableEntity guard) {
        List<TableTransactionAction> upserts = unfinishedJobsByState().stream()
                .map(jobId -> new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE,
                        JobEntities.unfinishedMarker(tenantId, jobId))).toList();
        for (int i = 0; i < upserts.size(); i += RowDeletes.ROWS_PER_TRANSACTION) {
            table.submitTransaction(upserts.subList(i, Math.min(upserts.size(), i + RowDeletes.ROWS_PER_TRANSACTION)));
        }
        Set<String> stale = new LinkedHashSet<>();
        for (TableEntity marker : table.listEntities(new ListEntitiesOptions().setFilter(markerRange())
                .setSelect(List.of("RowKey")), null, null)) {
            stale.add(marker.getRowKey().substring(JobEntities.UNFINISHED_ROW_PREFIX.length()));
        }
        stale.removeAll(unfinishedJobsByState());
        List<TableEntity> deletes = stale.stream().map(jobId -> new TableEntity(tenantId, JobEntities.unfinishedRowKey(jobId))).toList();
        for (int i = 0; i < deletes.size(); i += RowDeletes.ROWS_PER_TRANSACTION) {
            RowDeletes.deleteAll(table, deletes.subList(i, Math.min(deletes.size(), i + RowDeletes.ROWS_PER_TRANSACTION)));
        }
        TableTransactionAction write = guardWrite(guard);
        try {
            table.submitTransaction(List.of(write));
        } catch (TableServiceException e) {
            // Another creation or migration wrote the guard first: read what it wrote.
            if (!TableErrors.isAlreadyExists(e) && !TableErrors.isPreconditionFailed(e)) {
                throw e;
            }
        }
        return read();
    }

    /** The ids of the tenant's jobs whose row says they are unfinished: a scan of every job row (the old way). */
    private Set<String> unfinishedJobsByState() {
        StringBuilder filter = new StringBuilder("PartitionKey eq ").append(OData.quote(tenantId))
                .append(" and RowKey ge ").append(OData.quote(JobEntities.JOB_ROW_PREFIX))
                .append(" and RowKey lt ").append(OData.quote(JobEntities.JOB_ROW_END));
        for (JobState state : JobState.values()) {
            if (state.isTerminal()) {
                filter.append(" and State ne ").append(OData.quote(state.name()));
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter.toString()).setSelect(List.of("RowKey"));
        for (TableEntity row : table.listEntities(options, null, null)) {
            ids.add(row.getRowKey().substring(JobEntities.JOB_ROW_PREFIX.length()));
        }
        return ids;
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * Math.min(attempt, 10) + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConcurrencyConflictException("Interrupted while waiting to submit for tenant " + tenantId + ".");
        }
    }
}
