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
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Keeps a tenant's unfinished jobs under its quota when creations race. A creation counts the
 * tenant's unfinished jobs and commits its rows together with a write of the tenant's guard row
 * ({@code g:submissions}, same partition), conditional on the guard's ETag as read before the
 * count. Of two creations that counted the same jobs, only one can commit; the other counts again.
 * Finishing a job never touches the guard: a job that finishes during the count only makes the
 * count err on the safe side, and a finished job never runs again, so only creations raise it.
 */
final class SubmissionGuard {

    static final String ROW_KEY = "g:submissions";
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
     * committed first.
     */
    <T> T createWithin(int maxActiveJobs, List<TableTransactionAction> actions, Function<List<TableTransactionAction>, T> commit,
                       java.util.function.Supplier<java.util.Optional<T>> committed) {
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1) {
                // An attempt whose answer was lost (and retried by the SDK) may have committed.
                java.util.Optional<T> done = committed.get();
                if (done.isPresent()) {
                    return done.get();
                }
            }
            TableEntity guard = read();
            if (countUnfinished(maxActiveJobs) >= maxActiveJobs) {
                throw new QuotaExceededException(tenantId, maxActiveJobs);
            }
            TableEntity next = new TableEntity(tenantId, ROW_KEY);
            next.addProperty("Type", "SubmissionGuard");
            List<TableTransactionAction> guarded = new ArrayList<>(actions);
            if (guard == null) {
                guarded.add(new TableTransactionAction(TableTransactionActionType.CREATE, next));
            } else {
                next.addProperty("odata.etag", guard.getETag()); // sent as If-Match
                guarded.add(new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, next, true));
            }
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

    /** The tenant's unfinished jobs, counted up to {@code atMost}. */
    private int countUnfinished(int atMost) {
        StringBuilder filter = new StringBuilder("PartitionKey eq ").append(OData.quote(tenantId))
                .append(" and RowKey ge ").append(OData.quote(JobEntities.JOB_ROW_PREFIX))
                .append(" and RowKey lt ").append(OData.quote(JobEntities.JOB_ROW_END));
        for (JobState state : JobState.values()) {
            if (state.isTerminal()) {
                filter.append(" and State ne ").append(OData.quote(state.name()));
            }
        }
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(filter.toString())
                .setSelect(List.of("RowKey")).setTop(Math.min(atMost, 1000));
        int count = 0;
        for (TableEntity ignored : table.listEntities(options, null, null)) {
            if (++count >= atMost) {
                break;
            }
        }
        return count;
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
