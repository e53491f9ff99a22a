package io.controlplane.app;

import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentCommand;
import io.controlplane.ports.AgentStore;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A busy agent's heartbeat costs one or two storage requests (its record written, after a read
 * when this instance's copy is not its own last write) whatever the number of leases it extends:
 * the leases' expiries and the stops asked of them live on the record. A record changed elsewhere
 * since the agent's last beat here costs the refused write once more. Each call to a store counts
 * as one request.
 */
class BusyHeartbeatCostTest {

    private final UseCases.Stores base = DispatchOnMemoryTest.memory();
    private final AtomicInteger requests = new AtomicInteger();

    @SuppressWarnings("unchecked")
    private <T> T counted(Class<T> port, T target) {
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getDeclaringClass() != Object.class && !method.isDefault()) {
                requests.incrementAndGet();
            }
            try {
                return method.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    private final DispatchFixture f = new DispatchFixture(new UseCases.Stores(counted(JobStore.class, base.jobs()),
            counted(AgentStore.class, base.agents()), base.ready(), base.tenants(), base.mappings(),
            counted(LeaseExpiries.class, base.leases())), Map.of());
    private final Caller agent = DispatchFixture.agentIdentity("agent-1");

    @AfterEach
    void close() {
        f.close();
    }

    private List<String> leases(String agentId, int count) {
        f.register(agentId, "westeurope", "shared", count, "azure-devops");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
            ids.add(f.lease(agentId).orElseThrow().leaseId());
        }
        f.app.heartbeat().beat(DispatchFixture.agentIdentity(agentId), agentId, ids); // the first beat starts the jobs (once per lease)
        return ids;
    }

    /** The storage requests of one heartbeat of the agent, naming its leases, a beat later. */
    private int beatCost(String agentId, List<String> leaseIds) {
        f.clock.advance(f.settings.heartbeatInterval());
        int before = requests.get();
        AgentHeartbeat.Beat beat = f.app.heartbeat().beat(DispatchFixture.agentIdentity(agentId), agentId, leaseIds);
        int cost = requests.get() - before;
        assertThat(beat.commands()).hasSize(leaseIds.size()).allSatisfy(c -> assertThat(c.type()).isEqualTo("continue"));
        return cost;
    }

    @Test
    void aHeartbeatCostsTwoRequestsWithOneLeaseOrTwenty() {
        List<String> one = leases("agent-1", 1);
        List<String> twenty = leases("agent-20", 20);

        for (int beat = 0; beat < 5; beat++) {
            int ofOne = beatCost("agent-1", one);
            assertThat(ofOne).as("beat %d, one lease", beat).isBetween(1, 2);
            assertThat(beatCost("agent-20", twenty)).as("beat %d, twenty leases: the same", beat).isEqualTo(ofOne);
        }
    }

    @Test
    void aRecordChangedElsewhereSinceTheLastBeatCostsTheBeatARead() {
        List<String> ids = leases("agent-1", 2);
        beatCost("agent-1", ids);
        // Another instance's write (its copy of the record is not this one's): a drain, say.
        var stored = base.agents().find("westeurope", "agent-1").orElseThrow();
        base.agents().update(stored.withDraining(true));

        f.clock.advance(f.settings.heartbeatInterval());
        int before = requests.get();
        AgentHeartbeat.Beat beat = f.app.heartbeat().beat(agent, "agent-1", ids);

        assertThat(requests.get() - before).as("the write refused, the record read, the beat written").isEqualTo(3);
        assertThat(beat.commands()).extracting(AgentCommand::type).containsExactly("continue", "continue");
        assertThat(base.agents().find("westeurope", "agent-1").orElseThrow().draining()).as("the other write kept").isTrue();
    }

    @Test
    void aStopAskedOfOneLeaseIsReadFromTheRecordAtTheSameCost() {
        List<String> ids = leases("agent-1", 3);
        String paused = ids.get(1);
        String jobId = f.app.heartbeat().beat(agent, "agent-1", ids).commands().stream()
                .filter(c -> c.leaseId().equals(paused)).findFirst().orElseThrow().jobId();
        f.app.pauseResume().pause(DispatchFixture.client("contoso"), jobId);

        f.clock.advance(f.settings.heartbeatInterval());
        int before = requests.get();
        AgentHeartbeat.Beat beat = f.app.heartbeat().beat(agent, "agent-1", ids);

        assertThat(requests.get() - before).isBetween(1, 2);
        assertThat(beat.commands()).extracting(AgentCommand::leaseId, AgentCommand::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ids.get(0), "continue"),
                org.assertj.core.groups.Tuple.tuple(paused, "pause"),
                org.assertj.core.groups.Tuple.tuple(ids.get(2), "continue"));
    }
}
