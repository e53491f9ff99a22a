package io.controlplane.app;

import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A heartbeat that waits ({@code waitSeconds}) is parked until a stop for one of its leases is
 * decided on this instance: the preemption, pause or cancel answers it at once with the stop it
 * pushed (no new beat, so no storage request beyond the beat it began with).
 */
class PushedStopTest {

    private final UseCases.Stores base = DispatchOnMemoryTest.memory();
    private final DispatchFixture f = new DispatchFixture(base, Map.of("PREEMPT_AFTER_SECONDS", "2"));
    private final Caller agent1 = DispatchFixture.agentIdentity("agent-1");

    @AfterEach
    void close() {
        f.close();
    }

    private LeaseGrant aRunningStandardJob() {
        f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant lease = f.lease("agent-1").orElseThrow();
        f.app.heartbeat().beat(agent1, "agent-1", List.of(lease.leaseId()));
        return lease;
    }

    private CompletableFuture<AgentHeartbeat.Beat> waitingBeat(LeaseGrant lease) {
        CompletableFuture<AgentHeartbeat.Beat> beat = f.app.heartbeat().beatAsync(agent1, "agent-1", List.of(lease.leaseId()), 20);
        assertThat(beat).as("nothing to stop yet: it waits").isNotDone();
        return beat;
    }

    @Test
    void aPreemptionDecidedHereAnswersTheVictimsWaitingHeartbeatAtOnce() throws Exception {
        LeaseGrant lease = aRunningStandardJob();
        CompletableFuture<AgentHeartbeat.Beat> beat = waitingBeat(lease);
        f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).build());
        f.clock.advance(Duration.ofSeconds(3));

        assertThat(f.app.preemption().run("westeurope")).hasSize(1);

        AgentHeartbeat.Beat answer = beat.get(5, TimeUnit.SECONDS);
        assertThat(answer.commands()).extracting(AgentCommand::type, AgentCommand::leaseId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("preempt", lease.leaseId()));
        assertThat(answer.commands().get(0).deadline()).isEqualTo(f.job(lease.job()).stopDeadline());
        // The command as the preemption pushed it, not one a new beat read from the job row.
        assertThat(answer.commands().get(0).reason()).isEqualTo("a Platinum job needs this agent");
    }

    @Test
    void aPauseOrACancelAnswersItToo() throws Exception {
        LeaseGrant lease = aRunningStandardJob();
        CompletableFuture<AgentHeartbeat.Beat> paused = waitingBeat(lease);

        f.app.pauseResume().pause(DispatchFixture.client("contoso"), lease.job().id());

        assertThat(paused.get(5, TimeUnit.SECONDS).commands()).extracting(AgentCommand::type).containsExactly("pause");
        CompletableFuture<AgentHeartbeat.Beat> again = f.app.heartbeat().beatAsync(agent1, "agent-1", List.of(lease.leaseId()), 20);
        assertThat(again.get(5, TimeUnit.SECONDS).commands()).as("a stop under way is answered at once")
                .extracting(AgentCommand::type).containsExactly("pause");
    }

    @Test
    void withNothingToStopTheWaitEndsWithTheBeatItBeganWith() throws Exception {
        LeaseGrant lease = aRunningStandardJob();

        AgentHeartbeat.Beat answer = f.app.heartbeat().beatAsync(agent1, "agent-1", List.of(lease.leaseId()), 1)
                .get(5, TimeUnit.SECONDS);

        assertThat(answer.commands()).extracting(AgentCommand::type).containsExactly("continue");
    }

    @Test
    void aStoppingHostAnswersWaitingHeartbeatsAtOnce() throws Exception {
        LeaseGrant lease = aRunningStandardJob();
        CompletableFuture<AgentHeartbeat.Beat> beat = waitingBeat(lease);

        f.app.heartbeat().stopWaiting();

        assertThat(beat.get(2, TimeUnit.SECONDS).commands()).extracting(AgentCommand::type).containsExactly("continue");
    }
}
