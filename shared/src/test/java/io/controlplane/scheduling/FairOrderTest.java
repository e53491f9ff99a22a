package io.controlplane.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Agent;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fair share between the tenants of one tier, as the match round offers their jobs. */
class FairOrderTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final DispatchPolicy policy = new DispatchPolicy(Duration.ofMinutes(30), Duration.ofSeconds(10));
    private final Matching matching = new Matching(policy, Duration.ofSeconds(60));

    private static ReadyEntry entry(String tenant, String jobId, Tier tier, long millisAgo) {
        return new ReadyEntry("westeurope", tenant, jobId, tier, List.of(), NOW.minusMillis(millisAgo), null,
                NOW.minusMillis(millisAgo), "e");
    }

    private static Agent agent(int slots) {
        return new Agent("agent-1", "westeurope", "shared", Set.of(), slots, false, "provider", "sp-agent-1",
                NOW.minusSeconds(30), NOW.minusSeconds(5), List.of(), "etag");
    }

    /** Tenant a's 100 jobs queued first, then tenant b's 10, all Standard. */
    private static List<ReadyEntry> aFloodThenAFew() {
        List<ReadyEntry> ready = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ready.add(entry("a", "a-" + i, Tier.Standard, 60_000 - i));
        }
        for (int i = 0; i < 10; i++) {
            ready.add(entry("b", "b-" + i, Tier.Standard, 10_000 - i));
        }
        return ready;
    }

    private List<String> tenantsGiven(List<ReadyEntry> ready, int slots, Map<String, Integer> running, PoolDirectory pools) {
        return matching.assign(ready, List.of(agent(slots)), pools, NOW, 100, new Running(running, Map.of())).stream()
                .map(a -> a.entry().tenantId()).toList();
    }

    @Test
    void tenantsOfOneTierTakeTurnsWhoeverQueuedFirst() {
        assertThat(tenantsGiven(aFloodThenAFew(), 6, Map.of(), PoolDirectory.shared()))
                .containsExactly("a", "b", "a", "b", "a", "b");
    }

    @Test
    void theTenantFurthestBelowItsShareOfRunningJobsGoesFirst() {
        // a runs 3 already, b none: b's jobs first until it has caught up.
        assertThat(tenantsGiven(aFloodThenAFew(), 5, Map.of("a", 3), PoolDirectory.shared()))
                .containsExactly("b", "b", "b", "a", "b");
    }

    @Test
    void weightsShareTheSlotsInTheirProportion() {
        PoolDirectory weighted = new PoolDirectory(Map.of(), Map.of(), Map.of(), Map.of("a", 3, "b", 1));
        List<String> given = tenantsGiven(aFloodThenAFew(), 8, Map.of(), weighted);
        assertThat(given.stream().filter("a"::equals).count()).isEqualTo(6);
        assertThat(given.stream().filter("b"::equals).count()).isEqualTo(2);
    }

    @Test
    void fairShareNeverPutsALowerTierAheadAndEachTenantsJobsGoOldestFirst() {
        List<ReadyEntry> ready = new ArrayList<>(aFloodThenAFew());
        ready.add(entry("c", "c-premium", Tier.Premium, 1));
        List<String> jobs = matching.assign(ready, List.of(agent(5)), PoolDirectory.shared(), NOW, 100,
                new Running(Map.of("c", 50), Map.of())).stream()
                .map(a -> a.entry().jobId()).toList();
        assertThat(jobs).containsExactly("c-premium", "a-0", "b-0", "a-1", "b-1");
    }

    @Test
    void withFairShareOffTheOldestGoFirstWhateverTheTenant() {
        Matching oldestFirst = new Matching(policy, Duration.ofSeconds(60), false);
        List<String> given = oldestFirst.assign(aFloodThenAFew(), List.of(agent(6)), PoolDirectory.shared(), NOW, 100,
                new Running(Map.of("a", 3), Map.of())).stream().map(a -> a.entry().jobId()).toList();
        assertThat(given).containsExactly("a-0", "a-1", "a-2", "a-3", "a-4", "a-5");
    }
}
