package io.controlplane.adapters.tables;

import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdempotencyKey;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Page;
import io.controlplane.ports.ContinuationTokens;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Jobs in Table Storage. PartitionKey = tenant; the job row's RowKey is {@code j:<jobId>} and its
 * history rows' {@code h:<jobId>:<sequence>}, in the same partition, so a state change and its
 * history entry commit in one entity group transaction, conditional on the job row's ETag. An
 * unfinished job also has a marker row {@code a:<jobId>}, created with the job and deleted by the
 * write that stores it finished (or erases it): the tenant's quota counts those (see {@link SubmissionGuard}).
 */
final class TableJobStore implements JobStore {

    private static final int MAX_TOP = 1000;

    private final TableClient table;
    private final JobEntities entities;

    TableJobStore(TableClient table, ObjectMapper json) {
        this.table = table;
        this.entities = new JobEntities(new EntityJson(json));
    }

    @Override
    public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
        try {
            TableEntity e = table.getEntity(tenantId, JobEntities.idempotencyRowKey(key));
            return Optional.of(new IdempotencyKey(key, (String) e.getProperties().get("Fingerprint"),
                    (String) e.getProperties().get("JobId")));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public int unfinishedJobs(String tenantId, int atMost) {
        return new SubmissionGuard(table, tenantId).unfinished(atMost);
    }

    @Override
    public Job create(Job job, List<HistoryEntry> created, IdempotencyKey key, int maxActiveJobs) {
        List<TableTransactionAction> actions = new ArrayList<>();
        actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, entities.toEntity(job)));
        for (HistoryEntry entry : created) {
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, entities.toEntity(job.tenantId(), entry)));
        }
        if (key != null) {
            TableEntity row = new TableEntity(job.tenantId(), JobEntities.idempotencyRowKey(key.key()));
            row.addProperty("Type", "IdempotencyKey");
            row.addProperty("JobId", job.id());
            row.addProperty("Fingerprint", key.fingerprint());
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, row));
        }
        if (!job.state().isTerminal()) {
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE,
                    JobEntities.unfinishedMarker(job.tenantId(), job.id())));
        }
        if (maxActiveJobs == UNLIMITED) {
            return create(job, created, actions);
        }
        return new SubmissionGuard(table, job.tenantId()).createWithin(maxActiveJobs, actions,
                guarded -> create(job, created, guarded), () -> committed(job, created));
    }

    private Job create(Job job, List<HistoryEntry> created, List<TableTransactionAction> actions) {
        try {
            BatchEtags.Sink etags = new BatchEtags.Sink();
            table.submitTransactionWithResponse(actions, null, BatchEtags.context(etags));
            return job.withEtag(etagOf(etags, job));
        } catch (TableServiceException e) {
            if (TableErrors.isAlreadyExists(e)) {
                Optional<Job> committed = committed(job, created);
                if (committed.isPresent()) {
                    return committed.get();
                }
                throw new ConcurrencyConflictException("A job with id " + job.id() + " already exists.", e);
            }
            throw e;
        }
    }

    /**
     * The job as stored, if it is exactly what this write stores: a write whose answer was lost (a
     * timeout after commit) and which the SDK's retry policy sent again meets its own rows: the job row
     * and every history entry of the write are stored as written (the entry names its actor). Compared
     * as they read back, not as they were in memory: storage keeps instants to the microsecond only.
     */
    private Optional<Job> committed(Job job, List<HistoryEntry> entries) {
        Job written = entities.asStored(job);
        return find(job.tenantId(), job.id())
                .filter(stored -> stored.withEtag(null).equals(written))
                .filter(stored -> entries.stream().allMatch(entry ->
                        entities.asStored(job.tenantId(), entry).equals(historyEntry(job.tenantId(), entry).orElse(null))));
    }

    private Optional<HistoryEntry> historyEntry(String tenantId, HistoryEntry entry) {
        try {
            return Optional.of(entities.toHistoryEntry(table.getEntity(tenantId, JobEntities.historyRowKey(entry.jobId(), entry.sequence()))));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<Job> find(String tenantId, String jobId) {
        try {
            TableEntity entity = table.getEntity(tenantId, JobEntities.jobRowKey(jobId));
            return Optional.of(entities.toJob(entity));
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Job update(Job job, List<HistoryEntry> entries) {
        return update(job, entries, List.of());
    }

    @Override
    public List<Checkpoint> checkpoints(String tenantId, String jobId) {
        String filter = "PartitionKey eq " + OData.quote(tenantId)
                + " and RowKey ge " + OData.quote(JobEntities.checkpointRowPrefix(jobId))
                + " and RowKey lt " + OData.quote(JobEntities.checkpointRowEnd(jobId));
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (TableEntity row : table.listEntities(new ListEntitiesOptions().setFilter(filter), null, null)) {
            checkpoints.add(entities.toCheckpoint(row));
        }
        return checkpoints;
    }

    @Override
    public Job update(Job job, List<HistoryEntry> entries, List<Checkpoint> checkpoints) {
        // A job stored as finished gives its quota slot back in the same transaction: its marker goes.
        return update(job, entries, checkpoints, job.state().isTerminal());
    }

    private Job update(Job job, List<HistoryEntry> entries, List<Checkpoint> checkpoints, boolean unmark) {
        if (job.etag() == null) {
            throw new IllegalArgumentException("An update needs the etag the job was read with");
        }
        if (entries.size() + checkpoints.size() > 98) {
            throw new IllegalArgumentException("At most 98 history entries and checkpoints fit in one transaction with the job");
        }
        List<TableTransactionAction> actions = new ArrayList<>();
        TableEntity row = entities.toEntity(job);
        row.addProperty("odata.etag", job.etag()); // the SDK sends it as If-Match
        actions.add(new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, row, true));
        for (HistoryEntry entry : entries) {
            actions.add(new TableTransactionAction(TableTransactionActionType.CREATE, entities.toEntity(job.tenantId(), entry)));
        }
        for (Checkpoint checkpoint : checkpoints) {
            actions.add(new TableTransactionAction(TableTransactionActionType.UPSERT_REPLACE,
                    entities.toEntity(job.tenantId(), checkpoint)));
        }
        if (unmark) {
            actions.add(unmarkAction(job));
        }
        try {
            BatchEtags.Sink etags = new BatchEtags.Sink();
            table.submitTransactionWithResponse(actions, null, BatchEtags.context(etags));
            return job.withEtag(etagOf(etags, job));
        } catch (TableServiceException e) {
            if (unmark && markerMissing(e, actions.size() - 1)) {
                // No marker: the job was stored before markers existed, or was finished already.
                return update(job, entries, checkpoints, false);
            }
            if (TableErrors.isPreconditionFailed(e) || TableErrors.isAlreadyExists(e)) {
                // Either someone else changed the job (or committed this history step), or this very write
                // committed on an earlier try whose answer was lost, and the SDK's retry met it.
                Optional<Job> committed = committed(job, entries);
                if (committed.isPresent()) {
                    return committed.get();
                }
                throw new ConcurrencyConflictException("Job " + job.id() + " was changed by someone else; read it again and retry.", e);
            }
            if (TableErrors.isNotFound(e)) {
                throw new JobNotFoundException(job.id());
            }
            throw e;
        }
    }

    private static TableTransactionAction unmarkAction(Job job) {
        return new TableTransactionAction(TableTransactionActionType.DELETE,
                new TableEntity(job.tenantId(), JobEntities.unfinishedRowKey(job.id())));
    }

    /**
     * Whether a transaction that deletes a job's marker as its action {@code markerIndex} failed because
     * the marker is missing. When the service names no failed action, a missing row is assumed to be the
     * marker: the same write without it then says whether the job is missing.
     */
    private static boolean markerMissing(TableServiceException e, int markerIndex) {
        if (!TableErrors.isNotFound(e)) {
            return false;
        }
        Integer failed = e instanceof TableTransactionFailedException t
                ? t.getFailedTransactionActionIndex() : null;
        return failed == null || failed == markerIndex;
    }

    /**
     * The job row's new ETag: from the transaction's answer (the job row is always its first action),
     * else read back.
     */
    private String etagOf(BatchEtags.Sink etags, Job job) {
        return etags.etag(0).orElseGet(() -> table.getEntity(job.tenantId(), JobEntities.jobRowKey(job.id())).getETag());
    }

    @Override
    public Page<Job> list(String tenantId, JobFilter filter, int limit, String continuationToken) {
        String after = ContinuationTokens.keyOf(continuationToken);
        StringBuilder query = new StringBuilder()
                .append("PartitionKey eq ").append(OData.quote(tenantId))
                .append(" and RowKey ").append(after == null ? "ge " + OData.quote(JobEntities.JOB_ROW_PREFIX)
                        : "gt " + OData.quote(JobEntities.jobRowKey(after)))
                .append(" and RowKey lt ").append(OData.quote(JobEntities.JOB_ROW_END));
        if (filter.state() != null) {
            query.append(" and State eq ").append(OData.quote(filter.state().name()));
        }
        if (filter.tier() != null) {
            query.append(" and Tier eq ").append(OData.quote(filter.tier().name()));
        }
        if (filter.region() != null) {
            query.append(" and Region eq ").append(OData.quote(filter.region()));
        }
        if (filter.mappingScope() != null) {
            query.append(" and MappingScope eq ").append(OData.quote(filter.mappingScope()));
        }
        PageRead<Job> page = PageRead.of(table, query.toString(), limit, entities::toJob);
        List<Job> items = page.items();
        String next = page.more() ? ContinuationTokens.after(items.get(items.size() - 1).id()) : null;
        return new Page<>(items, next);
    }

    @Override
    public List<HistoryEntry> history(String tenantId, String jobId) {
        String filter = "PartitionKey eq " + OData.quote(tenantId)
                + " and RowKey ge " + OData.quote(JobEntities.historyRowPrefix(jobId))
                + " and RowKey lt " + OData.quote(JobEntities.historyRowEnd(jobId));
        List<HistoryEntry> history = new ArrayList<>();
        for (TableEntity row : table.listEntities(new ListEntitiesOptions().setFilter(filter), null, null)) {
            history.add(entities.toHistoryEntry(row));
        }
        return history;
    }

    @Override
    public List<IdempotencyKey> idempotencyKeys(String tenantId) {
        List<IdempotencyKey> keys = new ArrayList<>();
        for (TableEntity row : table.listEntities(new ListEntitiesOptions().setFilter(idempotencyRange(tenantId)), null, null)) {
            keys.add(new IdempotencyKey(row.getRowKey().substring(JobEntities.idempotencyRowKey("").length()),
                    (String) row.getProperties().get("Fingerprint"), (String) row.getProperties().get("JobId")));
        }
        return keys;
    }

    private static String idempotencyRange(String tenantId) {
        return "PartitionKey eq " + OData.quote(tenantId) + " and RowKey ge " + OData.quote(JobEntities.idempotencyRowKey(""))
                + " and RowKey lt " + OData.quote(JobEntities.IDEMPOTENCY_ROW_END);
    }

    @Override
    public boolean erase(Job job) {
        Optional<Job> stored = find(job.tenantId(), job.id());
        if (stored.isEmpty()) {
            return false;
        }
        if (!stored.get().etag().equals(job.etag())) {
            throw new ConcurrencyConflictException("Job " + job.id() + " was changed by someone else; read it again and retry.");
        }
        String partition = "PartitionKey eq " + OData.quote(job.tenantId());
        RowDeletes.deleteMatching(table, partition + " and RowKey ge " + OData.quote(JobEntities.historyRowPrefix(job.id()))
                + " and RowKey lt " + OData.quote(JobEntities.historyRowEnd(job.id())));
        RowDeletes.deleteMatching(table, partition + " and RowKey ge " + OData.quote(JobEntities.checkpointRowPrefix(job.id()))
                + " and RowKey lt " + OData.quote(JobEntities.checkpointRowEnd(job.id())));
        RowDeletes.deleteMatching(table, idempotencyRange(job.tenantId()) + " and JobId eq " + OData.quote(job.id()));
        // Last, and only if unchanged: an erase cut short leaves the job readable, to be erased again.
        // Its marker (if the job was unfinished) goes in the same transaction.
        TableEntity row = new TableEntity(job.tenantId(), JobEntities.jobRowKey(job.id()));
        row.addProperty("odata.etag", job.etag());
        TableTransactionAction unmark = unmarkAction(job);
        try {
            try {
                table.submitTransaction(List.of(new TableTransactionAction(TableTransactionActionType.DELETE, row, true), unmark));
            } catch (TableServiceException e) {
                if (!markerMissing(e, 1)) {
                    throw e;
                }
                table.deleteEntityWithResponse(row, true, null, null);
            }
            return true;
        } catch (TableServiceException e) {
            if (TableErrors.isNotFound(e)) {
                return false;
            }
            if (TableErrors.isPreconditionFailed(e)) {
                throw new ConcurrencyConflictException("Job " + job.id() + " was changed by someone else; read it again and retry.", e);
            }
            throw e;
        }
    }

    @Override
    public void eraseTenant(String tenantId) {
        RowDeletes.deleteMatching(table, "PartitionKey eq " + OData.quote(tenantId));
    }

    @Override
    public List<Job> finishedBefore(Instant before, int limit) {
        StringBuilder finished = new StringBuilder();
        for (JobState state : JobState.values()) {
            if (state.isTerminal()) {
                finished.append(finished.length() == 0 ? "" : " or ").append("State eq ").append(OData.quote(state.name()));
            }
        }
        // Across tenants: a scan, which is why the purge runs seldom and takes a bounded page.
        String filter = "RowKey ge " + OData.quote(JobEntities.JOB_ROW_PREFIX) + " and RowKey lt " + OData.quote(JobEntities.JOB_ROW_END)
                + " and UpdatedAt lt " + EdmDateTime.literal(before) + " and (" + finished + ")";
        List<Job> jobs = new ArrayList<>();
        for (TableEntity row : table.listEntities(new ListEntitiesOptions().setFilter(filter).setTop(Math.min(limit, MAX_TOP)), null, null)) {
            if (jobs.size() == limit) {
                break;
            }
            jobs.add(entities.toJob(row));
        }
        return jobs;
    }
}
