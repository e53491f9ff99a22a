package io.controlplane.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobPolicy;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Whether a waiting job needs room made, and which running job makes it: pure, no I/O. */
class PreemptionPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final PreemptionPolicy rules = new PreemptionPolicy(new DispatchPolicy(Duration.ofMinutes(30), Duration.ofSeconds(10)),
            Duration.ofSeconds(60), Duration.ofSeconds(5), 3);

    private static Agent agent(String id, int slots, List<AgentLease> leases) {
        return new Agent(id, "westeurope", "shared", Set.of("azure-devops"), slots, false, "provider", "sp-" + id,
                NOW.minusSeconds(300), NOW.minusSeconds(5), leases, "etag");
    }

    private static ReadyEntry waiting(Tier tier, int secondsAgo) {
        return new ReadyEntry("westeurope", "fabrikam", "waiting-" + tier, tier, List.of(), NOW.minusSeconds(secondsAgo), null,
                NOW.minusSeconds(secondsAgo), "e");
    }

    /** A job of {@code tier} leased to agent-1 {@code minutesAgo}, as its candidate lease. */
    private static PreemptionPolicy.Candidate running(String id, Tier tier, int minutesAgo, boolean preemptible, int preemptions) {
        Instant at = NOW.minus(Duration.ofMinutes(minutesAgo));
        Job queued = Job.submitted(id, "contoso", JobSpecs.aJobSpec().withTier(tier).withPolicy(new JobPolicy(3, preemptible)).build(),
                at, "user").job();
        for (int i = 0; i < preemptions; i++) {
            queued = queued.assign("agent-0", "lease-old-" + i, at.plusSeconds(60), at).job().requestStop(
                    io.controlplane.domain.JobState.Preempting, at.plusSeconds(30), at, "test", "cp").job().release(at, "preempted").job();
        }
        String leaseId = "lease-" + id;
        Job leased = queued.assign("agent-1", leaseId, NOW.plusSeconds(60), at).job().start(at).job();
        AgentLease lease = new AgentLease(leaseId, "contoso", id, leased.epoch(), at, NOW.plusSeconds(60));
        return new PreemptionPolicy.Candidate(agent("agent-1", 1, List.of(lease)), lease, leased);
    }

    @Test
    void theLowestTierGoesFirstThenTheLeastWorkLost() {
        List<PreemptionPolicy.Candidate> candidates = List.of(running("premium", Tier.Premium, 1, true, 0),
                running("standard-long", Tier.Standard, 50, true, 0), running("standard-fresh", Tier.Standard, 2, true, 0));

        Optional<PreemptionPolicy.Candidate> victim = rules.victim(waiting(Tier.Platinum, 10), candidates, NOW);

        assertThat(victim).map(c -> c.job().id()).contains("standard-fresh");
    }

    @Test
    void premiumPreemptsOnlyStandardAndNoneThatMayNotBePreemptedOrWasTooOften() {
        assertThat(rules.victim(waiting(Tier.Premium, 10), List.of(running("premium", Tier.Premium, 1, true, 0)), NOW)).isEmpty();
        assertThat(rules.victim(waiting(Tier.Platinum, 10), List.of(running("pinned", Tier.Standard, 1, false, 0)), NOW)).isEmpty();
        assertThat(rules.victim(waiting(Tier.Platinum, 10), List.of(running("thrice", Tier.Standard, 1, true, 3)), NOW)).isEmpty();
        assertThat(rules.victim(waiting(Tier.Platinum, 10), List.of(running("twice", Tier.Standard, 1, true, 2)), NOW)).isPresent();
    }

    @Test
    void roomIsNeededOnlyAfterTheWaitWithNoFreeSlotAndTheOrganisationUnderItsLimit() {
        List<Agent> busy = List.of(running("standard", Tier.Standard, 1, true, 0).agent());
        ReadyEntry fresh = waiting(Tier.Platinum, 1);
        ReadyEntry waited = waiting(Tier.Platinum, 10);

        assertThat(rules.needsRoom(fresh, busy, PoolDirectory.shared(), Running.none(), NOW)).as("waited too little").isFalse();
        assertThat(rules.needsRoom(waited, busy, PoolDirectory.shared(), Running.none(), NOW)).isTrue();
        assertThat(rules.needsRoom(waited, List.of(agent("free", 1, List.of())), PoolDirectory.shared(), Running.none(), NOW))
                .as("a free slot will take it").isFalse();
        ReadyEntry touching = new ReadyEntry("westeurope", "fabrikam", "w", Tier.Platinum, List.of(), NOW.minusSeconds(10), null,
                NOW.minusSeconds(10), "e", false, List.of("dev.azure.com:contoso"));
        PoolDirectory limited = new PoolDirectory(Map.of(), Map.of(), Map.of(), Map.of(), Map.of("dev.azure.com:contoso", 1));
        assertThat(rules.needsRoom(touching, busy, limited, new Running(Map.of(), Map.of("dev.azure.com:contoso", 1)), NOW))
                .as("its organisation is at its limit: a freed slot would not run it").isFalse();
    }
}
