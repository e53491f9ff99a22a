package io.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AgentTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void aRecordStoredWithMoreSlotsThanMayBeRegisteredTakesNoMoreLeasesThanTheMost() {
        Agent stored = new Agent("agent-1", "westeurope", "shared", Set.of(), 2 * Agent.MAX_SLOTS, false, "provider", "sp",
                T0, T0, List.of(), null);
        List<AgentLease> leases = IntStream.range(0, Agent.MAX_SLOTS)
                .mapToObj(i -> new AgentLease("lease-" + i, "contoso", "job-" + i, 1, T0, T0.plusSeconds(60))).toList();

        assertThat(stored.freeSlots()).isEqualTo(Agent.MAX_SLOTS);
        assertThat(stored.withLeases(leases).freeSlots()).isZero();
        assertThat(stored.withLeases(leases).canTakeWork(T0, Duration.ofMinutes(1))).isFalse();
    }
}
