package io.controlplane.adapters.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.util.BinaryData;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import io.controlplane.api.Json;
import io.controlplane.app.JobIdGenerator;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.QuotaExceededException;
import io.controlplane.ports.JobStore;
import io.controlplane.testing.Azurite;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The quota check at submission on Table Storage (Azurite): what it costs (requests, and the rows
 * its queries' key ranges span, which is what Table Storage reads however few rows match a
 * non-key filter), how tenants whose jobs predate the unfinished-job markers are moved to them,
 * and that no marker outlives its job.
 */
class SubmissionQuotaTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Recorder RECORDER = new Recorder();
    private static TableStorage storage;
    private static TableClient raw;
    private static JobStore jobs;

    private final JobIdGenerator ids = new JobIdGenerator(Clock.systemUTC());
    private final JobEntities entities = new JobEntities(new EntityJson(Json.mapper()));
    private String tenant;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "q" + System.nanoTime(), Json.mapper(),
                List.of(RECORDER)).ensureTables();
        raw = storage.table(TableNames.JOBS);
        jobs = storage.jobStore();
    }

    @AfterAll
    static void dropTables() {
        storage.dropTables();
    }

    @BeforeEach
    void setUp() {
        tenant = "tenant-" + UUID.randomUUID();
        RECORDER.reset();
    }

    private Job.Transition queued(String tenantId) {
        return Job.submitted(ids.next(), tenantId, io.controlplane.domain.JobSpecs.aJobSpec().build(), T0, "client-1");
    }

    private Job create(String tenantId, int limit) {
        Job.Transition t = queued(tenantId);
        return jobs.create(t.job(), t.entry(), null, limit);
    }

    private static Job finish(Job job, JobState end) {
        Job.Transition t = job.transition(end, T0.plusSeconds(1), "test", "client-1");
        return jobs.update(t.job(), List.of(t.entry()));
    }

    /** Job rows (and their creation entries) written straight to the table, as a store before markers wrote them. */
    private List<Job> storeWithoutMarkers(String tenantId, int count, JobState state) {
        List<Job> stored = new ArrayList<>();
        List<TableTransactionAction> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Job.Transition t = queued(tenantId);
            Job job = new Job(t.job().id(), tenantId, t.job().spec(), state, null, 0, 0, 0, null, T0, T0, 1, null);
            batch.add(new TableTransactionAction(TableTransactionActionType.CREATE, entities.toEntity(job)));
            batch.add(new TableTransactionAction(TableTransactionActionType.CREATE, entities.toEntity(tenantId, t.entry())));
            stored.add(job);
            if (batch.size() == 100) {
                raw.submitTransaction(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            raw.submitTransaction(batch);
        }
        return stored.stream().map(j -> jobs.find(tenantId, j.id()).orElseThrow()).toList();
    }

    private static Set<String> markers(String tenantId) {
        String filter = "PartitionKey eq " + OData.quote(tenantId) + " and RowKey ge 'a:' and RowKey lt 'a;'";
        return raw.listEntities(new ListEntitiesOptions().setFilter(filter), null, null).stream()
                .map(e -> e.getRowKey().substring(2)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static TableEntity guard(String tenantId) {
        return raw.getEntity(tenantId, SubmissionGuard.ROW_KEY);
    }

    /** What one quota-checked creation costs: its storage requests, and the rows in its queries' key ranges. */
    private record Cost(int requests, long rowsInQueryRanges) {
    }

    private Cost costOfCreation(String tenantId, int limit) {
        RECORDER.reset();
        create(tenantId, limit);
        int requests = RECORDER.requests.get();
        List<String> queries = RECORDER.queries();
        long rows = 0;
        for (String filter : queries) {
            rows += rowsInKeyRange(filter);
        }
        return new Cost(requests, rows);
    }

    private static final Pattern KEY_PREDICATE = Pattern.compile("(PartitionKey|RowKey) (eq|ge|gt|lt|le) '(?:[^']|'')*'");

    /** How many rows the key predicates of {@code filter} select: the rows the service reads to answer it. */
    private static long rowsInKeyRange(String filter) {
        Matcher m = KEY_PREDICATE.matcher(filter);
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            keys.add(m.group());
        }
        ListEntitiesOptions options = new ListEntitiesOptions().setFilter(String.join(" and ", keys)).setSelect(List.of("RowKey"));
        return raw.listEntities(options, null, null).stream().count();
    }

    /**
     * The issue "idle and busy agents cost little", defect 1: the quota check read every job row of
     * the tenant (a filter on State over the whole job range), so a submission's cost grew with the
     * tenant's history. With 500 finished jobs it costs what it costs with none.
     */
    @Test
    void aSubmissionsCostDoesNotGrowWithTheTenantsFinishedJobs() {
        String fresh = tenant;
        String busy = "busy-" + tenant;
        for (String tenantId : List.of(fresh, busy)) {
            finish(create(tenantId, 10), JobState.Cancelled);
            create(tenantId, 10);
        }
        storeWithoutMarkers(busy, 500, JobState.Completed);

        Cost withoutHistory = costOfCreation(fresh, 10);
        Cost withHistory = costOfCreation(busy, 10);

        System.out.printf("submission-cost: history=0 requests=%d rows-in-query-ranges=%d; history=501 requests=%d rows-in-query-ranges=%d%n",
                withoutHistory.requests(), withoutHistory.rowsInQueryRanges(), withHistory.requests(), withHistory.rowsInQueryRanges());
        // The guard's read, the count, the transaction, and the new job's etag (the SDK drops sub-response headers).
        assertThat(withHistory.requests()).as("requests").isEqualTo(withoutHistory.requests()).isLessThanOrEqualTo(4);
        assertThat(withHistory.rowsInQueryRanges()).as("rows the count reads").isEqualTo(withoutHistory.rowsInQueryRanges())
                .as("the markers of the unfinished job and the new one").isEqualTo(2);
        assertThat(RECORDER.crossPartitionBatches()).isZero();
        assertThat(RECORDER.onePartitionBatches()).isPositive();
    }

    @Test
    void aTenantWhoseJobsPredateMarkersIsCountedOnceTheOldWayAndThenByMarkers() {
        RECORDER.reset();
        List<Job> unfinished = new ArrayList<>(storeWithoutMarkers(tenant, 2, JobState.Queued));
        unfinished.addAll(storeWithoutMarkers(tenant, 1, JobState.Running));
        List<Job> finished = storeWithoutMarkers(tenant, 3, JobState.Completed);
        // Markers left behind (a job finished by an instance that did not know markers, one erased so): repaired.
        raw.createEntity(JobEntities.unfinishedMarker(tenant, finished.get(0).id()));
        raw.createEntity(JobEntities.unfinishedMarker(tenant, ids.next()));
        TableEntity oldGuard = new TableEntity(tenant, SubmissionGuard.ROW_KEY);
        oldGuard.addProperty("Type", "SubmissionGuard");
        raw.createEntity(oldGuard);

        Job fourth = create(tenant, 4);

        Set<String> expected = new TreeSet<>(unfinished.stream().map(Job::id).toList());
        expected.add(fourth.id());
        assertThat(markers(tenant)).isEqualTo(expected);
        assertThat(guard(tenant).getProperty(SubmissionGuard.MARKERS)).isEqualTo(true);
        assertThatThrownBy(() -> create(tenant, 4)).isInstanceOf(QuotaExceededException.class);

        RECORDER.reset();
        finish(unfinished.get(2), JobState.Failed);
        assertThat(RECORDER.transactions.get()).as("the finish is one transaction with the marker's delete").isEqualTo(1);
        assertThat(markers(tenant)).doesNotContain(unfinished.get(2).id());
        Job fifth = create(tenant, 4);
        assertThatThrownBy(() -> create(tenant, 4)).isInstanceOf(QuotaExceededException.class);
        assertThat(markers(tenant)).hasSize(4).contains(fifth.id());
        assertThat(RECORDER.crossPartitionBatches()).isZero();
        assertThat(RECORDER.onePartitionBatches()).isPositive();
    }

    @Test
    void aJobStoredBeforeMarkersFinishesWithoutOneAndFreesItsSlot() {
        Job legacy = storeWithoutMarkers(tenant, 1, JobState.Running).get(0);

        Job cancelled = finish(legacy, JobState.Cancelled);

        assertThat(jobs.find(tenant, legacy.id()).orElseThrow()).isEqualTo(cancelled);
        assertThat(markers(tenant)).isEmpty();
        create(tenant, 1);
        assertThatThrownBy(() -> create(tenant, 1)).isInstanceOf(QuotaExceededException.class);
    }

    /** A job that finishes while its tenant's markers are written (after the old count saw it unfinished) keeps no marker. */
    @Test
    void aJobThatFinishesWhileMarkersAreWrittenKeepsNone() {
        List<Job> legacy = storeWithoutMarkers(tenant, 2, JobState.Queued);
        RECORDER.beforeNextBatch(() -> finish(legacy.get(0), JobState.Cancelled));

        Job created = create(tenant, 2);

        assertThat(RECORDER.ran()).isTrue();
        assertThat(markers(tenant)).containsExactlyInAnyOrder(legacy.get(1).id(), created.id());
        assertThatThrownBy(() -> create(tenant, 2)).isInstanceOf(QuotaExceededException.class);
    }

    @Test
    void finishingJobsNeverWritesTheGuardAndTheyDoNotContend() throws Exception {
        List<Job> created = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            created.add(create(tenant, 10));
        }
        String guardEtag = guard(tenant).getETag();
        ExecutorService pool = Executors.newFixedThreadPool(created.size());
        try {
            List<Future<Job>> finished = new ArrayList<>();
            for (Job job : created) {
                finished.add(pool.submit(() -> finish(job, JobState.Cancelled)));
            }
            for (Future<Job> f : finished) {
                assertThat(f.get().state()).isEqualTo(JobState.Cancelled);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(guard(tenant).getETag()).isEqualTo(guardEtag);
        assertThat(markers(tenant)).isEmpty();
    }

    @Test
    void erasingAJobTakesItsMarkerWithIt() {
        Job unfinished = create(tenant, 5);
        Job done = finish(create(tenant, 5), JobState.Cancelled);

        assertThat(jobs.erase(unfinished)).isTrue();
        assertThat(jobs.erase(done)).isTrue();

        assertThat(markers(tenant)).isEmpty();
        assertThat(raw.listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq " + OData.quote(tenant)), null, null)
                .stream().map(TableEntity::getRowKey)).containsExactly(SubmissionGuard.ROW_KEY);
    }

    /** Counts requests, records query filters and the partitions of each transaction, and runs an action before a transaction. */
    static final class Recorder extends io.controlplane.testing.ObservingPolicy {

        private static final Pattern OPERATION = Pattern.compile("(?m)^(?:POST|DELETE|PUT|PATCH|MERGE) (\\S+) HTTP/1\\.1");
        private static final Pattern KEY_IN_URL = Pattern.compile("\\(PartitionKey='((?:[^']|'')*)'");
        private static final Pattern KEY_IN_BODY = Pattern.compile("\"PartitionKey\":\"([^\"]*)\"");

        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger transactions = new AtomicInteger();
        private final List<String> queries = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger crossPartition = new AtomicInteger();
        private final AtomicInteger onePartition = new AtomicInteger();
        private final AtomicReference<Runnable> beforeBatch = new AtomicReference<>();
        private volatile boolean ran;

        void reset() {
            requests.set(0);
            transactions.set(0);
            queries.clear();
            beforeBatch.set(null);
            ran = false;
        }

        void beforeNextBatch(Runnable action) {
            beforeBatch.set(action);
        }

        boolean ran() {
            return ran;
        }

        List<String> queries() {
            return List.copyOf(queries);
        }

        /** Transactions that name more than one partition (or none: the recorder could not read them). */
        int crossPartitionBatches() {
            return crossPartition.get();
        }

        int onePartitionBatches() {
            return onePartition.get();
        }

        @Override
        protected void see(HttpPipelineCallContext context) {
            String path = context.getHttpRequest().getUrl().getPath();
            if (path.endsWith("/$batch")) {
                transactions.incrementAndGet();
                Runnable action = beforeBatch.getAndSet(null);
                if (action != null) {
                    action.run();
                    ran = true;
                }
                BinaryData body = context.getHttpRequest().getBodyAsBinaryData();
                String text = body == null ? "" : body.toString();
                Set<String> partitions = new TreeSet<>();
                Matcher op = OPERATION.matcher(text);
                while (op.find()) {
                    Matcher inUrl = KEY_IN_URL.matcher(URLDecoder.decode(op.group(1).replace("+", "%2B"), StandardCharsets.UTF_8));
                    if (inUrl.find()) {
                        partitions.add(inUrl.group(1));
                    }
                }
                Matcher inBody = KEY_IN_BODY.matcher(text);
                while (inBody.find()) {
                    partitions.add(inBody.group(1));
                }
                (partitions.size() == 1 ? onePartition : crossPartition).incrementAndGet();
            } else if (path.endsWith("()")) {
                String query = context.getHttpRequest().getUrl().getQuery();
                for (String part : query == null ? new String[0] : query.split("&")) {
                    if (part.startsWith("$filter=") || part.startsWith("%24filter=")) {
                        queries.add(URLDecoder.decode(part.substring(part.indexOf('=') + 1), StandardCharsets.UTF_8));
                    }
                }
            }
            requests.incrementAndGet();
        }
    }
}
