package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link ReadyQueue} adapter passes (memory, Table Storage on Azurite). */
public abstract class ReadyQueueContractTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    protected ReadyQueue queue;
    private String region;

    protected abstract ReadyQueue newQueue();

    @BeforeEach
    void setUp() {
        queue = newQueue();
        region = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private ReadyEntry entry(String jobId, Tier tier, int secondsAfterT0) {
        return new ReadyEntry(region, "contoso", jobId, tier, List.of("git"), T0.plusSeconds(secondsAfterT0), null,
                T0.plusSeconds(secondsAfterT0), null);
    }

    @Test
    void headsComeTierByTierOldestFirstAndBoundedPerTier() {
        queue.put(entry("s-old", Tier.Standard, 1));
        queue.put(entry("s-new", Tier.Standard, 5));
        queue.put(entry("s-newest", Tier.Standard, 9));
        queue.put(entry("p-1", Tier.Premium, 7));
        queue.put(entry("x-1", Tier.Platinum, 8));

        List<ReadyEntry> heads = queue.heads(region, 2);

        assertThat(heads).extracting(ReadyEntry::jobId).containsExactly("x-1", "p-1", "s-old", "s-new");
        assertThat(heads.get(0).etag()).isNotBlank();
        assertThat(heads.get(2).requiredCapabilities()).containsExactly("git");
        assertThat(queue.heads(region + "x", 10)).isEmpty();
    }

    @Test
    void anEntryKeepsWhetherItsJobNamesEnvReferences() {
        ReadyEntry base = entry("env-1", Tier.Premium, 1);
        queue.put(new ReadyEntry(base.region(), base.tenantId(), base.jobId(), base.tier(), base.requiredCapabilities(),
                base.enqueuedAt(), null, base.insertedAt(), null, true));
        queue.put(entry("kv-1", Tier.Premium, 2));

        List<ReadyEntry> heads = queue.heads(region, 10);

        assertThat(heads).extracting(ReadyEntry::jobId, ReadyEntry::envCredentials)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("env-1", true), org.assertj.core.groups.Tuple.tuple("kv-1", false));
        assertThat(queue.find(region, base.key()).orElseThrow().envCredentials()).isTrue();
    }

    @Test
    void pagesWalkOneTierInOrderFromAKey() {
        for (int i = 0; i < 5; i++) {
            queue.put(entry("s-" + i, Tier.Standard, i));
        }
        queue.put(entry("p-0", Tier.Premium, 0));

        List<ReadyEntry> first = queue.page(region, Tier.Standard, null, 2);
        List<ReadyEntry> rest = queue.page(region, Tier.Standard, first.get(1).key(), 10);

        assertThat(first).extracting(ReadyEntry::jobId).containsExactly("s-0", "s-1");
        assertThat(rest).extracting(ReadyEntry::jobId).containsExactly("s-2", "s-3", "s-4");
        assertThat(queue.page(region, Tier.Platinum, null, 10)).isEmpty();
    }

    @Test
    void puttingTheSameJobAgainReplacesItsEntry() {
        queue.put(entry("job-1", Tier.Premium, 1));
        ReadyEntry again = new ReadyEntry(region, "contoso", "job-1", Tier.Premium, List.of("git"), T0.plusSeconds(1),
                T0.plusSeconds(100), T0.plusSeconds(50), null);
        queue.put(again);

        assertThat(queue.heads(region, 10)).singleElement().satisfies(e -> {
            assertThat(e.notBefore()).isEqualTo(T0.plusSeconds(100));
            assertThat(e.insertedAt()).isEqualTo(T0.plusSeconds(50));
        });
    }

    @Test
    void removeIsConditionalOnTheVersionRead() {
        ReadyEntry stored = queue.put(entry("job-1", Tier.Standard, 1));
        ReadyEntry read = queue.heads(region, 1).get(0);
        queue.put(entry("job-1", Tier.Standard, 1));

        assertThat(queue.remove(read)).as("changed since read").isFalse();
        assertThat(queue.heads(region, 1)).hasSize(1);

        assertThat(queue.remove(queue.heads(region, 1).get(0))).isTrue();
        assertThat(queue.heads(region, 1)).isEmpty();
        assertThat(queue.remove(stored)).as("already gone").isFalse();
    }

    @Test
    void depthsCountEachTierWithItsOldestEntry() {
        queue.put(entry("a", Tier.Standard, 3));
        queue.put(entry("b", Tier.Standard, 1));
        queue.put(entry("c", Tier.Platinum, 2));

        Map<Tier, ReadyQueue.Depth> depths = queue.depths(region);

        assertThat(depths.get(Tier.Standard)).isEqualTo(new ReadyQueue.Depth(2, T0.plusSeconds(1)));
        assertThat(depths.get(Tier.Platinum)).isEqualTo(new ReadyQueue.Depth(1, T0.plusSeconds(2)));
        assertThat(depths.get(Tier.Premium)).isEqualTo(new ReadyQueue.Depth(0, null));
    }

    @Test
    void anEntryIsFoundByItsKeyWithTheEtagThatRemovesIt() {
        ReadyEntry stored = queue.put(entry("j-1", Tier.Premium, 3));

        ReadyEntry found = queue.find(region, stored.key()).orElseThrow();

        assertThat(found.jobId()).isEqualTo("j-1");
        assertThat(found.etag()).isEqualTo(stored.etag());
        assertThat(queue.find(region, entry("j-2", Tier.Premium, 3).key())).isEmpty();
        queue.put(entry("j-1", Tier.Premium, 3)); // written again: the version found is stale
        assertThat(queue.remove(found)).isFalse();
        assertThat(queue.find(region, stored.key())).isPresent();
    }
}
