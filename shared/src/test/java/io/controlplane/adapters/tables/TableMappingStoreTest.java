package io.controlplane.adapters.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
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
    void recordingAThousandNewPairsCosts2000PointReadsAnd20TransactionsAndRepeatingThem1000Reads() {
        List<IdMapping> pairs = thousandPairs();

        store.record(tenant, scope, pairs);
        Recorder.Counts fresh = RECORDER.counts();
        RECORDER.reset();
        store.record(tenant, scope, pairs);
        Recorder.Counts repeated = RECORDER.counts();

        assertThat(fresh).isEqualTo(new Recorder.Counts(2000, 20, 0));
        assertThat(repeated).isEqualTo(new Recorder.Counts(1000, 0, 0));
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

        void reset() {
            batches.clear();
            reads.set(0);
            transactions.set(0);
            other.set(0);
            createBatches.set(0);
            trigger = null;
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
            see(context);
            return next.process();
        }

        @Override
        public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
            see(context);
            return next.processSync();
        }

        private void see(HttpPipelineCallContext context) {
            String path = context.getHttpRequest().getUrl().getPath();
            if (path.endsWith("/$batch")) {
                BinaryData body = context.getHttpRequest().getBodyAsBinaryData();
                String text = body == null ? "" : body.toString();
                if (!text.contains(PREFIX + "mappings")) {
                    return;
                }
                transactions.incrementAndGet();
                Batch batch = parse(text);
                batches.add(batch);
                Runnable action = trigger;
                if (!batch.deletes() && action != null && createBatches.incrementAndGet() == triggerAt) {
                    trigger = null;
                    action.run();
                }
            } else if (path.contains(PREFIX + "mappings")) {
                if ("GET".equals(context.getHttpRequest().getHttpMethod().name()) && path.contains("RowKey=")) {
                    reads.incrementAndGet();
                } else {
                    other.incrementAndGet();
                }
            }
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
