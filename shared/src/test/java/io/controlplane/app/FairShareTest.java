package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fair share within a tier, end to end through the use cases: tenant contoso queues 100 Standard
 * jobs, fabrikam 10 after it; an agent with 4 slots works them, each finished lease making room
 * for the next.
 */
abstract class FairShareTest {

    /** The stores the scenarios run on. */
    protected abstract UseCases.Stores stores();

    private final DispatchFixture f = new DispatchFixture(stores(), Map.of());
    private final Caller agent = DispatchFixture.agentIdentity("agent-1");

    @AfterEach
    void close() {
        f.close();
    }

    private void entitle(String tenant, int weight) {
        f.app.admin().entitle(new TenantEntitlement(tenant, Tier.Platinum, Set.of("westeurope"), null, 1000,
                Set.of("kv-contoso"), Set.of(), weight));
    }

    private void queue(String tenant, int jobs) {
        for (int i = 0; i < jobs; i++) {
            f.submit(tenant, aJobSpec().withTier(Tier.Standard).build());
            f.clock.advance(Duration.ofMillis(1));
        }
    }

    /** The tenants of the first {@code count} leases, the oldest lease completed whenever the 4 slots are full. */
    private List<String> firstLeases(int count) {
        f.register("agent-1", "westeurope", "shared", 4, "azure-devops");
        List<String> tenants = new ArrayList<>();
        Deque<LeaseGrant> held = new ArrayDeque<>();
        while (tenants.size() < count) {
            if (held.size() == 4) {
                f.app.finishJob().complete(agent, held.pollFirst().leaseId());
            }
            LeaseGrant grant = f.lease("agent-1").orElseThrow();
            held.add(grant);
            tenants.add(grant.job().tenantId());
        }
        return tenants;
    }

    @Test
    void aTenantThatQueuedTenJobsAfterAnothersHundredGetsItsTurnsAtOnce() {
        queue("contoso", 100);
        queue("fabrikam", 10);

        List<String> tenants = firstLeases(20);

        assertThat(tenants.stream().filter("fabrikam"::equals).count()).as("fabrikam's leases among the first 20: %s", tenants)
                .isGreaterThanOrEqualTo(8);
    }

    @Test
    void weightsThreeToOneGiveTheFirstAboutThreeQuartersOfTheSlots() {
        entitle("contoso", 3);
        entitle("fabrikam", 1);
        queue("contoso", 100);
        queue("fabrikam", 100);

        List<String> tenants = firstLeases(40);

        assertThat(tenants.stream().filter("contoso"::equals).count()).as("contoso's leases among the first 40: %s", tenants)
                .isBetween(27L, 33L);
    }
}
