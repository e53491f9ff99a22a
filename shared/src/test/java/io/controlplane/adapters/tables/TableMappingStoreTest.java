package io.controlplane.adapters.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableServiceException;
import io.controlplane.api.Json;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.MappingConflictException;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.MappingStoreContractTest;
import io.controlplane.testing.Azurite;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping contract on Table Storage (Azurite), and what only this adapter can show: every
 * transaction it sends stays inside one partition (Azurite would accept one that does not; Azure
 * refuses it), a concurrent writer makes it undo its own rows, and what a call costs in requests.
 */
class TableMappingStoreTest extends MappingStoreContractTest {

    private static final String PREFIX = "m" + System.nanoTime();
    private static final Recorder RECORDER = new Recorder();
    private static TableStorage storage;
    /** The same tables without the recorder: a concurrent writer, and the assertions' reads. */
    private static TableStorage plain;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, PREFIX, Json.mapper(), List.of(RECORDER))
                .ensureTables();
        plain = TableStorage.connect(Azurite.shared().connectionString(), null, PREFIX, Json.mapper());
    }

    @AfterAll
    static void dropTables() {
        plain.dropTables();
    }

    @BeforeEach
    void resetRecorder() {
        RECORDER.reset();
    }

    @Override
    protected MappingStore newStore() {
        return storage.mappingStore();
    }

    private static List<IdMapping> thousandPairs() {
        return IntStream.range(0, MappingStore.MAX_ITEMS_PER_CALL)
                .mapToObj(i -> wi(String.valueOf(10_000 + i), "T-" + i))
                .toList();
    }

    @Test
    void everyTransactionStaysInOnePartitionAndUnderTheEntityLimit() {
        store.record(tenant, scope, thousandPairs());
        store.record(tenant, "another-scope", List.of(wi("1", "2")));
        store.record(tenant + "-neighbour", "s", List.of(wi("1", "2")));
        store.erase(tenant, scope);
        store.eraseTenant(tenant);

        List<Recorder.Batch> batches = RECORDER.batches();
        assertThat(batches).as("20 to create, 1 + 1, 20 to erase pair by pair, 1 to erase the tenant's other scope")
                .hasSize(20 + 1 + 1 + 20 + 1);
        for (Recorder.Batch batch : batches) {
            assertThat(batch.partitions()).as("partitions of one transaction").hasSize(1);
            assertThat(batch.operations()).isBetween(1, 100);
        }
        assertThat(batches.get(0).partitions()).containsExactly(tenant + "|" + scope);
        assertThat(batches.get(batches.size() - 1).partitions()).containsExactly(tenant + "|another-scope");
    }

    @Test
    void aTenantIdThatCouldReachAnotherTenantsKeysIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.record(tenant + "|x", "s", List.of(wi("1", "2"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordingAThousandNewPairsCosts20TransactionsAndNoReadAndRepeatingThemReadsAndConfirmsEach() {
        List<IdMapping> pairs = thousandPairs();

        store.record(tenant, scope, pairs);
        Recorder.Counts fresh = RECORDER.counts();
        RECORDER.reset();
        store.record(tenant, scope, pairs);
        Recorder.Counts repeated = RECORDER.counts();

        assertThat(fresh).as("20 transactions of 100 creates, nothing read first").isEqualTo(new Recorder.Counts(0, 20, 0));
        assertThat(repeated).as("20 refused creates, both rows of each pair read, 20 confirming merges")
                .isEqualTo(new Recorder.Counts(2000, 40, 0));
    }

    @Test
    void aConcurrentConflictingWriterMakesTheCallDeleteWhatItCreatedByEtag() {
        List<IdMapping> pairs = thousandPairs();
        IdMapping racer = wi(pairs.get(120).sourceId(), "taken-by-someone-else"); // in the third transaction
        RECORDER.beforeCreateBatch(3, () -> plain.mappingStore().record(tenant, scope, List.of(racer)));

        assertThatThrownBy(() -> store.record(tenant, scope, pairs))
                .isInstanceOfSatisfying(MappingConflictException.class, e -> {
                    assertThat(e.requested()).isEqualTo(pairs.get(120));
                    assertThat(e.existing()).isEqualTo(racer);
                });

        MappingStore reader = plain.mappingStore();
        assertThat(reader.list(tenant, scope, null, 500, null).items()).as("nothing of the call is left").containsExactly(racer);
        assertThat(reader.findByTarget(tenant, scope, "workItem", pairs.get(0).targetId())).isEmpty();
        List<Recorder.Batch> undo = RECORDER.batches().stream().filter(Recorder.Batch::deletes).toList();
        assertThat(undo).as("the two committed transactions, undone").hasSize(2);
        assertThat(undo).allSatisfy(b -> {
            assertThat(b.operations()).isEqualTo(100);
            assertThat(b.ifMatch()).as("conditional deletes").hasSize(100).noneMatch("*"::equals);
        });
    }

    @Test
    void theUndoLeavesARowThatSomeoneElseWroteAgainMeanwhile() {
        List<IdMapping> pairs = thousandPairs();
        IdMapping conflicting = wi(pairs.get(120).sourceId(), "taken-by-someone-else");
        RECORDER.beforeCreateBatch(3, () -> {
            MappingStore other = plain.mappingStore();
            other.erase(tenant, scope); // takes this call's first 100 pairs away...
            other.record(tenant, scope, List.of(pairs.get(0), conflicting)); // ...and writes one of them again
        });

        assertThatThrownBy(() -> store.record(tenant, scope, pairs)).isInstanceOf(MappingConflictException.class);

        assertThat(plain.mappingStore().list(tenant, scope, null, 500, null).items())
                .containsExactlyInAnyOrder(pairs.get(0), conflicting);
        assertThat(plain.mappingStore().findByTarget(tenant, scope, "workItem", pairs.get(0).targetId())).contains(pairs.get(0));
    }

    @Test
    void aConcurrentWriterOfTheSamePairIsNoConflict() {
        List<IdMapping> pairs = thousandPairs();
        RECORDER.beforeCreateBatch(2, () -> plain.mappingStore().record(tenant, scope, List.of(pairs.get(60))));

        MappingStore.Recorded recorded = store.record(tenant, scope, pairs);

        assertThat(recorded).isEqualTo(new MappingStore.Recorded(999, 1));
        assertThat(all(tenant, scope)).containsExactlyElementsOf(pairs);
    }

    /**
     * "Close the lost-work holes", defect 4: call A (more than 50 pairs) commits its first
     * transaction; call B records a pair of it and is answered that it is already present; A's second
     * transaction is refused (a contradicting pair came first) and A undoes what it created. The pair
     * B was told is stored must stay, both ways; the rest of A is undone.
     */
    @Test
    void anUndoAfterAConflictLeavesAPairAnotherCallCountedAsAlreadyPresent() {
        List<IdMapping> pairs = IntStream.range(0, 80).mapToObj(i -> wi("a" + i, "ta" + i)).toList(); // two transactions
        IdMapping counted = pairs.get(10); // in A's first transaction
        IdMapping contradicting = wi(pairs.get(60).sourceId(), "taken-by-someone-else"); // refuses A's second
        IdMapping othersOwn = wi("b1", "tb1");
        List<MappingStore.Recorded> answersToB = new ArrayList<>();
        RECORDER.beforeCreateBatch(2, () -> {
            answersToB.add(plain.mappingStore().record(tenant, scope, List.of(counted, othersOwn)));
            plain.mappingStore().record(tenant, scope, List.of(contradicting));
        });

        assertThatThrownBy(() -> store.record(tenant, scope, pairs)).isInstanceOfSatisfying(MappingConflictException.class,
                e -> assertThat(e.existing()).isEqualTo(contradicting));

        assertThat(answersToB).containsExactly(new MappingStore.Recorded(1, 1));
        MappingStore reader = plain.mappingStore();
        assertThat(reader.findBySource(tenant, scope, "workItem", counted.sourceId())).contains(counted);
        assertThat(reader.findByTarget(tenant, scope, "workItem", counted.targetId())).contains(counted);
        assertThat(reader.list(tenant, scope, null, 500, null).items()).as("the rest of A is undone")
                .containsExactlyInAnyOrder(counted, othersOwn, contradicting);
        assertThat(reader.findByTarget(tenant, scope, "workItem", pairs.get(11).targetId())).isEmpty();
    }

    /** Defect 4 again, with A's second transaction failing in storage instead of refused by a conflict. */
    @Test
    void anUndoAfterAStorageFailureLeavesAPairAnotherCallCountedAsAlreadyPresent() {
        List<IdMapping> pairs = IntStream.range(0, 80).mapToObj(i -> wi("a" + i, "ta" + i)).toList();
        IdMapping counted = pairs.get(49); // the last pair of A's first transaction
        List<MappingStore.Recorded> answersToB = new ArrayList<>();
        RECORDER.failCreateBatch(2, () -> answersToB.add(plain.mappingStore().record(tenant, scope, List.of(counted))));

        assertThatThrownBy(() -> store.record(tenant, scope, pairs)).isInstanceOfSatisfying(TableServiceException.class,
                e -> assertThat(e.getResponse().getStatusCode()).isEqualTo(503));

        assertThat(answersToB).containsExactly(new MappingStore.Recorded(0, 1));
        MappingStore reader = plain.mappingStore();
        assertThat(reader.findBySource(tenant, scope, "workItem", counted.sourceId())).contains(counted);
        assertThat(reader.findByTarget(tenant, scope, "workItem", counted.targetId())).contains(counted);
        assertThat(reader.list(tenant, scope, null, 500, null).items()).as("the rest of A is undone").containsExactly(counted);
    }

    @Test
    void aConfirmationThatMeetsRowsChangedSinceTheyWereReadReadsAgain() {
        IdMapping stored = wi("1", "101");
        plain.mappingStore().record(tenant, scope, List.of(stored));
        // Between this call's read and its confirming merge, another call confirms the pair (new ETags).
        RECORDER.beforeCreateBatch(2, () -> plain.mappingStore().record(tenant, scope, List.of(stored)));

        assertThat(store.record(tenant, scope, List.of(stored, wi("2", "102")))).isEqualTo(new MappingStore.Recorded(1, 1));

        assertThat(RECORDER.counts().transactions()).as("refused create, refused merge, merge and create").isEqualTo(3);
        assertThat(all(tenant, scope)).containsExactly(stored, wi("2", "102"));
    }

    @Test
    void aConfirmationThatMeetsRowsDeletedSinceTheyWereReadCreatesThemAgain() {
        IdMapping stored = wi("1", "101");
        plain.mappingStore().record(tenant, scope, List.of(stored));
        // Between this call's read and its confirming merge, the pair goes (its writer's undo, or an erase).
        RECORDER.beforeCreateBatch(2, () -> plain.mappingStore().erase(tenant, scope));

        assertThat(store.record(tenant, scope, List.of(stored))).as("new again: this call created it")
                .isEqualTo(new MappingStore.Recorded(1, 0));

        assertThat(plain.mappingStore().findByTarget(tenant, scope, "workItem", "101")).contains(stored);
    }

    @Test
    void aTransactionWhoseAnswerWasLostIsRecognisedAsThisCallsOwnWrite() {
        List<IdMapping> pairs = IntStream.range(0, 60).mapToObj(i -> wi("s" + i, "t" + i)).toList();
        // The first transaction commits, its answer is lost; the SDK's retry meets the call's own rows.
        RECORDER.loseAnswerOfCreateBatch(1);

        assertThat(store.record(tenant, scope, pairs)).as("all new, none 'already present'").isEqualTo(new MappingStore.Recorded(60, 0));

        assertThat(all(tenant, scope)).hasSize(60);
    }

    @Test
    void anEraseLeavesNoRowOfTheScopeNotEvenItsMarker() {
        store.record(tenant, scope, IntStream.range(0, 60).mapToObj(i -> wi("s" + i, "t" + i)).toList());

        store.erase(tenant, scope);

        TableClient raw = new TableServiceClientBuilder().connectionString(Azurite.shared().connectionString()).buildClient()
                .getTableClient(PREFIX + "mappings");
        List<String> left = new ArrayList<>();
        raw.listEntities(new ListEntitiesOptions().setFilter("PartitionKey eq '" + tenant + "|" + scope + "'"), null, null)
                .forEach(row -> left.add(row.getRowKey()));
        assertThat(left).isEmpty();
    }

    /** Records the transactions (and counts the requests) sent to the mappings table. */
    static final class Recorder implements HttpPipelinePolicy {

        record Batch(Set<String> partitions, int operations, boolean deletes, List<String> ifMatch) {
        }

        record Counts(int pointReads, int transactions, int other) {
        }

        private static final Pattern OPERATION = Pattern.compile("(?m)^(POST|DELETE|PUT|PATCH|MERGE) (\\S+) HTTP/1\\.1");
        private static final Pattern KEY_IN_URL = Pattern.compile("\\(PartitionKey='((?:[^']|'')*)'");
        private static final Pattern KEY_IN_BODY = Pattern.compile("\"PartitionKey\":\"([^\"]*)\"");
        private static final Pattern IF_MATCH = Pattern.compile("(?mi)^If-Match: (.*)$");

        private final List<Batch> batches = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger reads = new AtomicInteger();
        private final AtomicInteger transactions = new AtomicInteger();
        private final AtomicInteger other = new AtomicInteger();
        private final AtomicInteger createBatches = new AtomicInteger();
        private volatile int triggerAt;
        private volatile Runnable trigger;
        /** The body of the transaction answered 503 Server Busy on every try (so after the SDK's retries too). */
        private volatile String failing;
        private volatile boolean failNext;
        private volatile boolean loseNext;
        private final ThreadLocal<Boolean> losing = ThreadLocal.withInitial(() -> false);

        void reset() {
            batches.clear();
            reads.set(0);
            transactions.set(0);
            other.set(0);
            createBatches.set(0);
            trigger = null;
            failing = null;
            failNext = false;
            loseNext = false;
        }

        /** The {@code n}th transaction that creates rows goes through, and its answer is replaced by a 503 (once). */
        void loseAnswerOfCreateBatch(int n) {
            beforeCreateBatch(n, () -> loseNext = true);
        }

        /** As {@link #beforeCreateBatch}, and then that transaction fails: 503 Server Busy on every try. */
        void failCreateBatch(int n, Runnable action) {
            beforeCreateBatch(n, () -> {
                action.run();
                failNext = true;
            });
        }

        /** Runs {@code action} once, just before the {@code n}th transaction that creates rows is sent. */
        void beforeCreateBatch(int n, Runnable action) {
            createBatches.set(0);
            triggerAt = n;
            trigger = action;
        }

        List<Batch> batches() {
            return List.copyOf(batches);
        }

        Counts counts() {
            return new Counts(reads.get(), transactions.get(), other.get());
        }

        @Override
        public reactor.core.publisher.Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            if (see(context)) {
                return reactor.core.publisher.Mono.just(serverBusy(context));
            }
            if (losing.get()) {
                losing.set(false);
                return next.process().map(response -> {
                    response.close();
                    return serverBusy(context);
                });
            }
            return next.process();
        }

        @Override
        public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
            if (see(context)) {
                return serverBusy(context);
            }
            if (losing.get()) {
                losing.set(false);
                next.processSync().close();
                return serverBusy(context);
            }
            return next.processSync();
        }

        private static HttpResponse serverBusy(HttpPipelineCallContext context) {
            return new io.controlplane.testing.StorageFaults.ServerBusy(context.getHttpRequest());
        }

        /** Counts and records the request; true when it is to be answered with a failure instead. */
        private boolean see(HttpPipelineCallContext context) {
            String path = context.getHttpRequest().getUrl().getPath();
            if (path.endsWith("/$batch")) {
                BinaryData body = context.getHttpRequest().getBodyAsBinaryData();
                String text = body == null ? "" : body.toString();
                if (!text.contains(PREFIX + "mappings")) {
                    return false;
                }
                transactions.incrementAndGet();
                Batch batch = parse(text);
                batches.add(batch);
                if (text.equals(failing)) {
                    return true; // a retry of the failing transaction
                }
                Runnable action = trigger;
                if (!batch.deletes() && action != null && createBatches.incrementAndGet() == triggerAt) {
                    trigger = null;
                    action.run();
                    if (failNext) {
                        failNext = false;
                        failing = text;
                        return true;
                    }
                    if (loseNext) {
                        loseNext = false;
                        losing.set(true);
                    }
                }
            } else if (path.contains(PREFIX + "mappings")) {
                if ("GET".equals(context.getHttpRequest().getHttpMethod().name()) && path.contains("RowKey=")) {
                    reads.incrementAndGet();
                } else {
                    other.incrementAndGet();
                }
            }
            return false;
        }

        private static Batch parse(String text) {
            Set<String> partitions = new TreeSet<>();
            int operations = 0;
            boolean deletes = false;
            Matcher op = OPERATION.matcher(text);
            while (op.find()) {
                operations++;
                deletes |= op.group(1).equals("DELETE");
                Matcher inUrl = KEY_IN_URL.matcher(URLDecoder.decode(op.group(2).replace("+", "%2B"), StandardCharsets.UTF_8));
                if (inUrl.find()) {
                    partitions.add(inUrl.group(1).replace("''", "'"));
                }
            }
            Matcher inBody = KEY_IN_BODY.matcher(text);
            while (inBody.find()) {
                partitions.add(inBody.group(1));
            }
            List<String> ifMatch = new ArrayList<>();
            Matcher m = IF_MATCH.matcher(text);
            while (m.find()) {
                ifMatch.add(m.group(1).trim());
            }
            return new Batch(partitions, operations, deletes, ifMatch);
        }
    }
}
