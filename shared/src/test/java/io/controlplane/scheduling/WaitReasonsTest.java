package io.controlplane.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Why a queued job is not running now: each reason, and which comes first. */
class WaitReasonsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final String ORG = "dev.azure.com:contoso";
    private final DispatchPolicy policy = new DispatchPolicy(Duration.ofMinutes(30), Duration.ofSeconds(10));
    private final WaitReasons reasons = new WaitReasons(policy, Duration.ofSeconds(60), true);

    private static ReadyEntry entry(String tenant, String jobId, Tier tier, long secondsAgo, Instant notBefore, String... capabilities) {
        return new ReadyEntry("westeurope", tenant, jobId, tier, List.of(capabilities), NOW.minusSeconds(secondsAgo), notBefore,
                NOW.minusSeconds(secondsAgo), "e", false, List.of(ORG));
    }

    private static ReadyEntry entry(String tenant, String jobId, Tier tier, long secondsAgo) {
        return entry(tenant, jobId, tier, secondsAgo, null);
    }

    /** An online agent with one slot, busy with {@code leases} jobs of other work. */
    private static Agent agent(int slots, int busy, String... capabilities) {
        List<AgentLease> leases = new ArrayList<>();
        for (int i = 0; i < busy; i++) {
            leases.add(new AgentLease("l" + i, "x", "j" + i, 1, NOW, NOW.plusSeconds(60)));
        }
        return new Agent("agent-1", "westeurope", "shared", Set.of(capabilities), slots, false, "provider", "sp",
                NOW.minusSeconds(300), NOW.minusSeconds(5), leases, "etag");
    }

    private WaitReasons.Waiting why(ReadyEntry e, List<ReadyEntry> ready, List<Agent> fleet, PoolDirectory pools, Running running) {
        return reasons.explain(e, ready, fleet, false, pools, running, NOW);
    }

    @Test
    void aRetryBackOffComesFirst() {
        ReadyEntry e = entry("a", "j", Tier.Standard, 10, NOW.plusSeconds(40));
        WaitReasons.Waiting w = why(e, List.of(e), List.of(), PoolDirectory.shared(), Running.none());
        assertThat(w.reason()).isEqualTo("retry-back-off");
        assertThat(w.until()).isEqualTo(NOW.plusSeconds(40));
    }

    @Test
    void aThrottledOrganisationIsNamedWithTheEndOfItsBackOff() {
        OrganisationThrottle throttle = OrganisationThrottle.reported(null, ORG, NOW, Duration.ofSeconds(60), 0, 4, Duration.ofSeconds(30));
        PoolDirectory pools = new PoolDirectory(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of(ORG, throttle));
        ReadyEntry e = entry("a", "j", Tier.Standard, 10);
        WaitReasons.Waiting w = why(e, List.of(e), List.of(agent(1, 0)), pools, Running.none());
        assertThat(w.reason()).isEqualTo("organisation-throttled");
        assertThat(w.organisation()).isEqualTo(ORG);
        assertThat(w.until()).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void theOperatorsLimitThenTheTenantsOwn() {
        ReadyEntry e = entry("a", "j", Tier.Standard, 10);
        Running two = new Running(Map.of("a", 2), Map.of(ORG, 2), Map.of(Running.tenantOrganisation("a", ORG), 2));
        PoolDirectory both = new PoolDirectory(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(ORG, 2),
                Map.of(Running.tenantOrganisation("a", ORG), 1), Map.of());
        assertThat(why(e, List.of(e), List.of(), both, two).reason()).isEqualTo("organisation-limit");
        PoolDirectory own = new PoolDirectory(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(ORG, 5),
                Map.of(Running.tenantOrganisation("a", ORG), 2), Map.of());
        WaitReasons.Waiting w = why(e, List.of(e), List.of(), own, two);
        assertThat(w.reason()).isEqualTo("tenant-organisation-limit");
        assertThat(w.limit()).isEqualTo(2);
        PoolDirectory othersOwn = new PoolDirectory(Map.of(), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of(Running.tenantOrganisation("b", ORG), 1), Map.of());
        assertThat(why(e, List.of(e), List.of(), othersOwn, two).reason()).as("another tenant's limit").isEqualTo("no-free-agent");
    }

    @Test
    void noAgentOfTheRegionMayTakeItBusyOrNot() {
        ReadyEntry e = entry("a", "j", Tier.Standard, 10, null, "jira");
        assertThat(why(e, List.of(e), List.of(agent(1, 0, "azure-devops")), PoolDirectory.shared(), Running.none()).reason())
                .isEqualTo("no-capable-agent");
        assertThat(why(e, List.of(e), List.of(), PoolDirectory.shared(), Running.none()).reason())
                .as("the fleet not known here: no agent reason").isEqualTo("no-free-agent");
        assertThat(reasons.explain(e, List.of(e), List.of(), true, PoolDirectory.shared(), Running.none(), NOW).reason())
                .as("the dispatcher's own view: no agent at all").isEqualTo("no-capable-agent");
    }

    @Test
    void higherTiersThenOtherTenantsTurnsThenOlderJobs() {
        ReadyEntry mine = entry("a", "mine", Tier.Standard, 100);
        ReadyEntry premium = entry("c", "premium", Tier.Premium, 5);
        ReadyEntry olderOwn = entry("a", "older", Tier.Standard, 200);
        ReadyEntry youngerOther = entry("b", "younger", Tier.Standard, 50);
        List<Agent> busy = List.of(agent(1, 1));

        WaitReasons.Waiting w = why(mine, List.of(mine, premium, olderOwn), busy, PoolDirectory.shared(), Running.none());
        assertThat(w.reason()).isEqualTo("higher-tier");
        assertThat(w.jobsAhead()).isEqualTo(2);

        // Tenant a runs 3 already, b none: b's younger job goes first.
        Running aRuns = new Running(Map.of("a", 3), Map.of());
        WaitReasons.Waiting fair = why(mine, List.of(mine, youngerOther), busy, PoolDirectory.shared(), aRuns);
        assertThat(fair.reason()).isEqualTo("fair-share");
        assertThat(fair.jobsAhead()).isEqualTo(1);
        WaitReasons oldestFirst = new WaitReasons(policy, Duration.ofSeconds(60), false);
        assertThat(oldestFirst.explain(mine, List.of(mine, youngerOther), busy, false, PoolDirectory.shared(), aRuns, NOW).reason())
                .as("fair share off: it is next").isEqualTo("no-free-agent");

        WaitReasons.Waiting queued = why(mine, List.of(mine, olderOwn), busy, PoolDirectory.shared(), Running.none());
        assertThat(queued.reason()).isEqualTo("queued");
        assertThat(queued.jobsAhead()).isEqualTo(1);
    }

    @Test
    void jobsHeldBackThemselvesAreNotCountedAhead() {
        ReadyEntry mine = entry("a", "mine", Tier.Standard, 100);
        ReadyEntry olderRetrying = entry("a", "older", Tier.Standard, 200, NOW.plusSeconds(30));
        assertThat(why(mine, List.of(mine, olderRetrying), List.of(agent(1, 1)), PoolDirectory.shared(), Running.none()).reason())
                .isEqualTo("no-free-agent");
    }
}
