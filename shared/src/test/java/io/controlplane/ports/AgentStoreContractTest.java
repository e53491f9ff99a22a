package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.AgentNotFoundException;
import io.controlplane.domain.ConcurrencyConflictException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract every {@link AgentStore} adapter passes (memory, Table Storage on Azurite). */
public abstract class AgentStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    protected AgentStore store;
    private String region;

    protected abstract AgentStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        region = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private Agent agent(String id) {
        return new Agent(id, region, "shared", Set.of("git", "azure-devops"), 2, false, "provider", "sp-" + id, T0, T0,
                List.of(), null);
    }

    @Test
    void aCreatedAgentIsFoundAsStored() {
        Agent created = store.create(agent("agent-1"));

        assertThat(created.etag()).isNotBlank();
        assertThat(store.find(region, "agent-1")).get().usingRecursiveComparison().isEqualTo(created);
        assertThat(store.find(region + "x", "agent-1")).isEmpty();
    }

    @Test
    void registeringTheSameIdTwiceConflicts() {
        store.create(agent("agent-1"));
        assertThatThrownBy(() -> store.create(agent("agent-1"))).isInstanceOf(ConcurrencyConflictException.class);
    }

    @Test
    void leasesRoundTripAndStaleWritesConflict() {
        Agent created = store.create(agent("agent-1"));
        AgentLease lease = new AgentLease("lease-1", "contoso", "job-1", 3, T0, T0.plusSeconds(60));

        Agent withLease = store.update(created.withLease(lease));

        assertThat(store.find(region, "agent-1").orElseThrow().leases()).containsExactly(lease);
        assertThat(withLease.etag()).isNotEqualTo(created.etag());
        assertThatThrownBy(() -> store.update(created.withDraining(true))).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(store.find(region, "agent-1").orElseThrow().draining()).isFalse();
    }

    @Test
    void updatingAnUnknownAgentIsNotFound() {
        Agent created = store.create(agent("agent-1"));
        Agent other = new Agent("agent-2", region, "shared", Set.of(), 1, false, "p", "s", T0, T0, List.of(), created.etag());
        assertThatThrownBy(() -> store.update(other)).isInstanceOf(AgentNotFoundException.class);
    }

    @Test
    void aSweepGoesRoundTheRegionsAgentsAPageAtATimeInIdOrder() {
        for (String id : List.of("agent-c", "agent-a", "agent-e", "agent-b", "agent-d")) {
            store.create(agent(id));
        }
        store.create(new Agent("agent-0", region + "x", "shared", Set.of(), 1, false, "p", "s", T0, T0, List.of(), null));

        assertThat(store.page(region, null, 2)).extracting(Agent::id).containsExactly("agent-a", "agent-b");
        assertThat(store.page(region, "agent-b", 2)).extracting(Agent::id).containsExactly("agent-c", "agent-d");
        assertThat(store.page(region, "agent-d", 2)).extracting(Agent::id).containsExactly("agent-e");
        assertThat(store.page(region, "agent-e", 2)).isEmpty();
    }

    @Test
    void listingReturnsTheRegionsAgentsOnly() {
        store.create(agent("agent-1"));
        store.create(agent("agent-2"));

        assertThat(store.list(region)).extracting(Agent::id).containsExactlyInAnyOrder("agent-1", "agent-2");
        assertThat(store.list(region + "x")).isEmpty();
    }

    @Test
    void deletingAnAgentNeedsItsCurrentVersion() {
        Agent created = store.create(agent("agent-1"));
        Agent kept = store.create(agent("agent-2"));
        Agent changed = store.update(created.withHold(new Agent.Hold("t", "j", T0)));

        assertThatThrownBy(() -> store.delete(created)).isInstanceOf(io.controlplane.domain.ConcurrencyConflictException.class);
        assertThat(store.find(region, "agent-1")).isPresent();

        assertThat(store.delete(changed)).isTrue();
        assertThat(store.find(region, "agent-1")).isEmpty();
        assertThat(store.delete(changed)).as("gone already").isFalse();
        assertThat(store.list(region)).extracting(Agent::id).containsExactly(kept.id());
    }
}
