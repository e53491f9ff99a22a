package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.adapters.memory.InMemoryAgentStore;
import io.controlplane.domain.Agent;
import io.controlplane.ports.AgentStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The issue "idle and busy agents cost little", defect 2: looking an agent up tried every served
 * region (in a set's order) until one had it. A lookup now reads the region the agent was last seen
 * in on this instance, and walks the others only when it is not there. Counted in store calls.
 */
class AgentRecordsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Set<String> REGIONS = Set.of("westeurope", "northeurope", "eastus", "westus", "uksouth");
    private static final Caller OPERATOR = new Caller("operators", "agent-host", Set.of("ControlPlane.Agent"));

    /** An agent store that records the region of every {@code find}. */
    static final class CountingAgentStore implements AgentStore {

        final AgentStore inner = new InMemoryAgentStore();
        final List<String> finds = new ArrayList<>();

        @Override
        public synchronized Optional<Agent> find(String region, String agentId) {
            finds.add(region);
            return inner.find(region, agentId);
        }

        @Override
        public Agent create(Agent agent) {
            return inner.create(agent);
        }

        @Override
        public Agent update(Agent agent) {
            return inner.update(agent);
        }

        @Override
        public List<Agent> list(String region) {
            return inner.list(region);
        }

        @Override
        public boolean delete(Agent agent) {
            return inner.delete(agent);
        }

        synchronized List<String> take() {
            List<String> seen = List.copyOf(finds);
            finds.clear();
            return seen;
        }
    }

    private final CountingAgentStore store = new CountingAgentStore();

    private static Agent agent(String id, String region) {
        return new Agent(id, region, "shared", Set.of("azure-devops"), 2, false, OPERATOR.tenantId(), OPERATOR.subject(),
                T0, T0, List.of(), null);
    }

    /** An agent that {@code records} found (so remembers), then erased (its tenant, on another instance). */
    private void seenThenErased(AgentRecords records, String agentId, String region) {
        Agent agent = store.inner.create(agent(agentId, region));
        assertThat(records.find(agentId)).isPresent();
        store.inner.delete(agent);
    }

    @Test
    void anAgentRegisteredOnThisInstanceIsReadFromItsRegionOnly() {
        AgentRecords records = new AgentRecords(store, REGIONS);
        new RegisterAgent(records, Clock.fixed(T0, ZoneOffset.UTC))
                .register(OPERATOR, "agent-1", new RegisterAgent.Registration("uksouth", "shared", Set.of("azure-devops"), 2));
        store.take();

        for (int i = 0; i < 3; i++) {
            assertThat(records.find("agent-1")).map(Agent::region).contains("uksouth");
        }
        assertThat(records.own(OPERATOR, "agent-1").region()).isEqualTo("uksouth");

        assertThat(store.take()).containsExactly("uksouth", "uksouth", "uksouth", "uksouth");
    }

    @Test
    void anAgentThisInstanceHasNotSeenIsFoundByTheWalkOnceAndThenDirectly() {
        AgentRecords records = new AgentRecords(store, REGIONS);
        store.inner.create(agent("agent-2", "eastus")); // registered through another instance

        assertThat(records.find("agent-2")).map(Agent::region).contains("eastus");
        List<String> walk = store.take();
        assertThat(walk).endsWith("eastus").doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(REGIONS.size());

        assertThat(records.find("agent-2")).isPresent();
        assertThat(store.take()).containsExactly("eastus");
    }

    @Test
    void anAgentChangedOnThisInstanceIsRemembered() {
        AgentRecords records = new AgentRecords(store, REGIONS);
        Agent stored = store.inner.create(agent("agent-3", "westus"));

        records.modify(stored, a -> a.withDraining(true));
        store.take();

        assertThat(records.find("agent-3")).map(Agent::draining).contains(true);
        assertThat(store.take()).containsExactly("westus");
    }

    @Test
    void anAgentRegisteredAgainInAnotherRegionIsFoundThereAndTheMemoryFollowsIt() {
        AgentRecords records = new AgentRecords(store, REGIONS);
        seenThenErased(records, "agent-4", "westeurope");
        store.inner.create(agent("agent-4", "northeurope")); // registered again in another region
        store.take();

        assertThat(records.find("agent-4")).map(Agent::region).contains("northeurope");
        List<String> missThenWalk = store.take();
        assertThat(missThenWalk).startsWith("westeurope").endsWith("northeurope").doesNotHaveDuplicates();

        assertThat(records.find("agent-4")).map(Agent::region).contains("northeurope");
        assertThat(store.take()).containsExactly("northeurope");
    }

    @Test
    void aMissingAgentCostsOneReadPerRegionEvenAfterItWasRemembered() {
        AgentRecords records = new AgentRecords(store, REGIONS);
        seenThenErased(records, "agent-5", "eastus");
        store.take();

        assertThat(records.find("agent-5")).isEmpty();
        assertThat(store.take()).hasSize(REGIONS.size()).doesNotHaveDuplicates();
        assertThat(records.find("never-registered")).isEmpty();
        assertThat(store.take()).hasSize(REGIONS.size()).doesNotHaveDuplicates();
    }

    @Test
    void withOneServedRegionEveryLookupIsOneRead() {
        AgentRecords records = new AgentRecords(store, Set.of("westeurope"));
        store.inner.create(agent("agent-6", "westeurope"));

        assertThat(records.find("agent-6")).isPresent();
        assertThat(records.find("agent-6")).isPresent();
        assertThat(records.find("missing")).isEmpty();

        assertThat(store.take()).containsExactly("westeurope", "westeurope", "westeurope");
    }
}
