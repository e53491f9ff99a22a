package io.controlplane.adapters.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.models.TableEntity;
import io.controlplane.api.Json;
import io.controlplane.app.JobIdGenerator;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.LeaseIds;
import io.controlplane.ports.AgentStore;
import io.controlplane.ports.AgentStoreContractTest;
import io.controlplane.testing.Azurite;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TableAgentStoreTest extends AgentStoreContractTest {

    /** Azure's limit on a string property: 64 KiB of UTF-16. */
    private static final int MAX_STRING_PROPERTY_BYTES = 64 * 1024;
    /** Azure's limit on a whole entity. */
    private static final int MAX_ENTITY_BYTES = 1024 * 1024;
    /** Nine fractional digits: the longest an instant is written in JSON (requests carry any). */
    private static final Instant NANOS = Instant.parse("2026-01-01T00:00:00.123456789Z");

    private static TableStorage storage;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "a" + System.nanoTime(), Json.mapper())
                .ensureTables();
    }

    @AfterAll
    static void dropTables() {
        storage.dropTables();
    }

    @Override
    protected AgentStore newStore() {
        return storage.agentStore();
    }

    @Test
    void theLeasesOfAFullAgentFitATablePropertyAtTheLongestIds() {
        Agent full = storeFull("agent-size");

        TableEntity raw = storage.table(TableNames.AGENTS).getEntity(full.region(), full.id());
        long entityBytes = 0;
        for (var property : raw.getProperties().entrySet()) {
            if (property.getValue() instanceof String text && !property.getKey().contains("odata.")) {
                long bytes = 2L * text.length(); // UTF-16, as Azure counts
                assertThat(bytes).as(property.getKey() + " of an agent with " + Agent.MAX_SLOTS + " slots")
                        .isLessThanOrEqualTo(MAX_STRING_PROPERTY_BYTES);
                entityBytes += bytes + 2L * property.getKey().length();
            }
        }
        assertThat(((String) raw.getProperties().get("Leases")).length()).as("every lease was written").isGreaterThan(
                Agent.MAX_SLOTS * full.leases().get(0).leaseId().length());
        assertThat(entityBytes).isLessThan(MAX_ENTITY_BYTES);
    }

    @Test
    void anAgentWithEverySlotTakenByTheLongestIdsReadsBackIntact() {
        Agent full = storeFull("agent-intact");

        Agent read = storage.agentStore().find(full.region(), full.id()).orElseThrow();

        assertThat(read.leases()).hasSize(Agent.MAX_SLOTS).isEqualTo(full.leases());
        assertThat(read.heldFor()).isEqualTo(full.heldFor());
        assertThat(read.capabilities()).isEqualTo(full.capabilities());
        assertThat(read.freeSlots()).isZero();
    }

    /**
     * An agent registered with the most slots, every one taken by a lease of the longest ids there
     * are: the longest tenant id {@link KeySafety#isTenantId} accepts, a generated job id, the largest
     * epoch (so the longest lease id), times with nanoseconds; a hold of the same; and as much as
     * registration accepts of everything else (AgentRoutes: 64 capability names of 64 characters).
     */
    private static Agent storeFull(String agentId) {
        String tenant = "t".repeat(IntStream.rangeClosed(1, 4096).filter(n -> KeySafety.isTenantId("t".repeat(n))).max().orElseThrow());
        JobIdGenerator jobIds = new JobIdGenerator(Clock.fixed(NANOS, ZoneOffset.UTC));
        Set<String> capabilities = new TreeSet<>();
        for (int i = 0; i < 64; i++) {
            capabilities.add(String.format("%02d", i) + "c".repeat(62));
        }
        String region = "r" + "e".repeat(39);
        AgentStore agents = storage.agentStore();
        Agent agent = agents.create(new Agent(agentId, region, "p".repeat(64), capabilities, Agent.MAX_SLOTS, false, tenant,
                "s".repeat(256), NANOS, NANOS, List.of(), null));
        List<AgentLease> leases = new ArrayList<>();
        for (int slot = 0; slot < Agent.MAX_SLOTS; slot++) {
            String jobId = jobIds.next();
            leases.add(new AgentLease(LeaseIds.newLeaseId(tenant, jobId, Long.MAX_VALUE), tenant, jobId, Long.MAX_VALUE,
                    NANOS, NANOS.plusSeconds(60)));
        }
        assertThat(agent.withLeases(leases).freeSlots()).as("every slot is taken").isZero();
        return agents.update(agent.withLeases(leases).withHold(new Agent.Hold(tenant, jobIds.next(), NANOS)));
    }
}
