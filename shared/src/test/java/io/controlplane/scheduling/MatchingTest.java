package io.controlplane.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pure assignment of ready jobs to waiting agents. */
class MatchingTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final Matching matching = new Matching(new DispatchPolicy(Duration.ofMinutes(30), Duration.ofSeconds(10)),
            Duration.ofSeconds(60));

    private static Agent agent(String id, int slots, String... capabilities) {
        return new Agent(id, "westeurope", "shared", Set.of(capabilities), slots, false, "provider", "sp-" + id,
                NOW.minusSeconds(30), NOW.minusSeconds(5), List.of(), "etag");
    }

    private static ReadyEntry entry(String jobId, Tier tier, int secondsAgo, String... capabilities) {
        return new ReadyEntry("westeurope", "contoso", jobId, tier, List.of(capabilities), NOW.minusSeconds(secondsAgo), null,
                NOW.minusSeconds(secondsAgo), "e");
    }

    private List<String> pairs(List<Matching.Assignment> assignments) {
        return assignments.stream().map(a -> a.agent().id() + "<-" + a.entry().jobId()).toList();
    }

    @Test
    void theHigherTierGoesFirstWhateverTheOrderTheyCameIn() {
        List<ReadyEntry> ready = List.of(entry("standard", Tier.Standard, 60), entry("platinum", Tier.Platinum, 1),
                entry("premium", Tier.Premium, 30));

        assertThat(pairs(matching.assign(ready, List.of(agent("a", 1)), PoolDirectory.shared(), NOW, 10)))
                .containsExactly("a<-platinum");
    }

    @Test
    void aJobHeldBackForItsRetryDoesNotBlockTheOneBehindIt() {
        ReadyEntry backingOff = new ReadyEntry("westeurope", "contoso", "backing-off", Tier.Platinum, List.of(),
                NOW.minusSeconds(60), NOW.plusSeconds(30), NOW.minusSeconds(60), "e");

        assertThat(pairs(matching.assign(List.of(backingOff, entry("next", Tier.Platinum, 10)), List.of(agent("a", 1)),
                PoolDirectory.shared(), NOW, 10))).containsExactly("a<-next");
    }

    @Test
    void jobsNobodyMayTakeAreWalkedPastNotWaitedOn() {
        List<ReadyEntry> ready = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ready.add(entry("untakeable-" + i, Tier.Platinum, 600 - i % 500, "git-lfs"));
        }
        ready.add(entry("takeable", Tier.Standard, 1, "azure-devops"));

        assertThat(pairs(matching.assign(ready, List.of(agent("a", 1, "azure-devops")), PoolDirectory.shared(), NOW, 10)))
                .containsExactly("a<-takeable");
    }

    @Test
    void theAgentThatHasWaitedLongestAndMayTakeTheJobGetsIt() {
        List<Agent> waiting = List.of(agent("first-but-unable", 1, "tfs"), agent("second", 1, "azure-devops"),
                agent("third", 1, "azure-devops"));

        assertThat(pairs(matching.assign(List.of(entry("job", Tier.Premium, 5, "azure-devops")), waiting,
                PoolDirectory.shared(), NOW, 10))).containsExactly("second<-job");
    }

    @Test
    void anAgentWithSeveralFreeSlotsTakesSeveralJobsAfterEveryOtherAgentHadOne() {
        List<ReadyEntry> ready = List.of(entry("j1", Tier.Premium, 50), entry("j2", Tier.Premium, 40),
                entry("j3", Tier.Premium, 30));

        assertThat(pairs(matching.assign(ready, List.of(agent("big", 3), agent("small", 1)), PoolDirectory.shared(), NOW, 10)))
                .containsExactly("big<-j1", "small<-j2", "big<-j3");
    }

    @Test
    void anAgentHeldForAJobTakesThatJobAndNoOther() {
        Agent held = agent("held", 1).withHold(new Agent.Hold("contoso", "waiting-platinum", NOW.plusSeconds(60)));
        List<ReadyEntry> ready = List.of(entry("older-premium", Tier.Premium, 600), entry("waiting-platinum", Tier.Platinum, 5));

        assertThat(pairs(matching.assign(ready, List.of(held), PoolDirectory.shared(), NOW, 10)))
                .containsExactly("held<-waiting-platinum");
        assertThat(matching.assign(List.of(entry("older-premium", Tier.Premium, 600)), List.of(held), PoolDirectory.shared(), NOW,
                10)).as("held for a job not ready: nothing else").isEmpty();
    }

    @Test
    void fullDrainingAndSilentAgentsGetNothing() {
        Agent full = agent("full", 1).withLeases(List.of(new AgentLease("l", "contoso", "other", 1, NOW, NOW.plusSeconds(60))));
        Agent draining = agent("draining", 1).withDraining(true);
        Agent silent = agent("silent", 1).withHeartbeat(NOW.minusSeconds(120));

        assertThat(matching.assign(List.of(entry("job", Tier.Premium, 5)), List.of(full, draining, silent),
                PoolDirectory.shared(), NOW, 10)).isEmpty();
    }

    @Test
    void aDedicatedPoolTakesOnlyItsTenantsJobs() {
        PoolDirectory pools = new PoolDirectory(Map.of("fabrikam-pool", "fabrikam"), Map.of("fabrikam", "fabrikam-pool"));
        Agent dedicated = new Agent("dedicated", "westeurope", "fabrikam-pool", Set.of(), 2, false, "provider", "sp",
                NOW.minusSeconds(30), NOW.minusSeconds(5), List.of(), "etag");
        ReadyEntry contoso = entry("contoso-job", Tier.Platinum, 60);
        ReadyEntry fabrikam = new ReadyEntry("westeurope", "fabrikam", "fabrikam-job", Tier.Standard, List.of(),
                NOW.minusSeconds(1), null, NOW.minusSeconds(1), "e");

        assertThat(pairs(matching.assign(List.of(contoso, fabrikam), List.of(dedicated), pools, NOW, 10)))
                .containsExactly("dedicated<-fabrikam-job");
    }

    @Test
    void noMoreAssignmentsThanTheLimit() {
        List<ReadyEntry> ready = List.of(entry("j1", Tier.Premium, 50), entry("j2", Tier.Premium, 40));

        assertThat(matching.assign(ready, List.of(agent("a", 2), agent("b", 2)), PoolDirectory.shared(), NOW, 1)).hasSize(1);
    }
}
