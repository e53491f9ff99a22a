package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Tier;
import io.controlplane.ports.JobStore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The victim agent's hold for the waiting job is written beside the victim's Preempting write; when
 * the victim changed meanwhile and is not asked to stop after all, the hold is taken back, so the
 * agent is free for any job again.
 */
class PreemptionHoldTest {

    private final UseCases.Stores base = DispatchOnMemoryTest.memory();
    private final AtomicBoolean victimChanges = new AtomicBoolean();
    private final AtomicBoolean victimGone = new AtomicBoolean();
    private volatile String victimId;
    private final JobStore jobs = (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
            (proxy, method, args) -> {
                if (method.getName().equals("update") && victimChanges.get() && args[0] instanceof Job job
                        && job.state() == JobState.Preempting) {
                    victimGone.set(true); // as if its agent completed it between the pick and the write
                    throw new ConcurrencyConflictException("changed meanwhile");
                }
                if (method.getName().equals("find") && victimGone.get() && args[1].equals(victimId)) {
                    return Optional.empty();
                }
                try {
                    return method.invoke(base.jobs(), args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final DispatchFixture f = new DispatchFixture(new UseCases.Stores(jobs, base.agents(), base.ready(), base.tenants(),
            base.mappings(), base.leases()), Map.of("PREEMPT_AFTER_SECONDS", "2"));
    private final Caller agent1 = DispatchFixture.agentIdentity("agent-1");

    private void aVictimAndAWaitingPlatinumJob() {
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        victimId = standard.id();
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant lease = f.lease("agent-1").orElseThrow();
        f.app.reportProgress().report(agent1, lease.leaseId(), 10, Map.of(), "10%");
        f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).build());
        f.clock.advance(Duration.ofSeconds(3));
    }

    @Test
    void aVictimAskedToStopLeavesItsAgentHeldForTheWaitingJob() {
        aVictimAndAWaitingPlatinumJob();

        assertThat(f.app.preemption().run("westeurope")).hasSize(1);

        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().heldFor()).isNotNull();
    }

    @Test
    void aVictimThatChangedBeforeItsWriteIsNotAskedAndItsAgentIsNotLeftHeld() {
        aVictimAndAWaitingPlatinumJob();
        victimChanges.set(true);

        assertThat(f.app.preemption().run("westeurope")).isEmpty();

        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().heldFor()).as("the hold taken back").isNull();
    }
}
