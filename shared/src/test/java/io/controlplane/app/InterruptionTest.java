package io.controlplane.app;

import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IllegalTransitionException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobPolicy;
import io.controlplane.domain.JobState;
import io.controlplane.domain.LeaseLostException;
import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Preemption, pause, resume, cancel and checkpoints: a job interrupted loses no work. */
abstract class InterruptionTest {

    protected abstract UseCases.Stores stores();

    private final DispatchFixture f = new DispatchFixture(stores(), Map.of("PREEMPT_AFTER_SECONDS", "2",
            "STOP_GRACE_SECONDS", "30", "PREEMPTION_LIMIT", "2"));
    private final Caller agent1 = DispatchFixture.agentIdentity("agent-1");
    private final Caller operator = DispatchFixture.client("contoso");

    @AfterEach
    void close() {
        f.close();
    }

    private LeaseGrant leased(String agentId, Job job) {
        LeaseGrant grant = f.lease(agentId).orElseThrow();
        assertThat(grant.job().id()).isEqualTo(job.id());
        return grant;
    }

    private String commandFor(Caller agent, String agentId, String leaseId) {
        return f.app.heartbeat().beat(agent, agentId).commands().stream()
                .filter(c -> c.leaseId().equals(leaseId)).map(AgentCommand::type).findFirst().orElse(null);
    }

    @Test
    void aPlatinumJobPreemptsAStandardOneWhichResumesFromItsCheckpoint() {
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant victimLease = leased("agent-1", standard);
        f.app.saveCheckpoint().save(agent1, victimLease.leaseId(), "work-items", Checkpoint.Kind.cursor,
                Map.of("percent", 40, "lastId", 4000));
        f.app.reportProgress().report(agent1, victimLease.leaseId(), 40, Map.of(), "40%");

        Job platinum = f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).build());
        assertThat(f.app.preemption().run("westeurope")).as("not before it has waited").isEmpty();
        f.clock.advance(Duration.ofSeconds(3));
        List<Preemption.Decision> decisions = f.app.preemption().run("westeurope");

        assertThat(decisions).singleElement().satisfies(d -> {
            assertThat(d.victimJobId()).isEqualTo(standard.id());
            assertThat(d.waitingJobId()).isEqualTo(platinum.id());
            assertThat(d.agentId()).isEqualTo("agent-1");
        });
        assertThat(f.job(standard).state()).isEqualTo(JobState.Preempting);
        assertThat(commandFor(agent1, "agent-1", victimLease.leaseId())).isEqualTo("preempt");
        assertThat(f.app.preemption().run("westeurope")).as("one victim per waiting job").isEmpty();

        f.app.saveCheckpoint().save(agent1, victimLease.leaseId(), "work-items", Checkpoint.Kind.cursor,
                Map.of("percent", 41, "lastId", 4100));
        Job released = f.app.releaseLease().release(agent1, victimLease.leaseId(), "preempted");
        assertThat(released.state()).isEqualTo(JobState.Queued);
        assertThat(released.preemptions()).isEqualTo(1);
        assertThat(released.failures()).isZero();

        LeaseGrant platinumLease = f.lease("agent-1").orElseThrow();
        assertThat(platinumLease.job().id()).as("the held agent runs the Platinum job").isEqualTo(platinum.id());
        f.app.finishJob().complete(agent1, platinumLease.leaseId());

        LeaseGrant resumed = leased("agent-1", standard);
        assertThat(resumed.resumed()).isTrue();
        assertThat(resumed.epoch()).isEqualTo(2);
        assertThat(resumed.checkpoints()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("work-items");
            assertThat(c.data()).isEqualTo(Map.of("percent", 41, "lastId", 4100));
        });
        assertThat(f.jobs.history("contoso", standard.id())).extracting(HistoryEntry::to).containsSubsequence(
                JobState.Running, JobState.Preempting, JobState.Queued, JobState.Assigned);
    }

    @Test
    void anAgentThatIgnoresPreemptionLosesItsLeaseAtTheDeadlineAndItsLateWritesChangeNothing() {
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant stubborn = leased("agent-1", standard);
        f.app.saveCheckpoint().save(agent1, stubborn.leaseId(), "c", Checkpoint.Kind.cursor, Map.of("at", 10));
        f.submit("fabrikam", aJobSpec().withTier(Tier.Premium).build());
        f.clock.advance(Duration.ofSeconds(3));
        f.app.preemption().run("westeurope");

        f.clock.advance(Duration.ofSeconds(20));
        f.app.heartbeat().beat(agent1, "agent-1"); // keeps the lease alive, but not past the stop deadline
        f.clock.advance(Duration.ofSeconds(11));
        Reconcile.Report report = f.app.reconcile().region("westeurope");

        assertThat(report.revokedStops()).isEqualTo(1);
        Job revoked = f.job(standard);
        assertThat(revoked.state()).isEqualTo(JobState.Queued);
        assertThat(revoked.preemptions()).isEqualTo(1);
        assertThatThrownBy(() -> f.app.saveCheckpoint().save(agent1, stubborn.leaseId(), "c", Checkpoint.Kind.cursor,
                Map.of("at", 99))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> f.app.reportProgress().report(agent1, stubborn.leaseId(), 99, Map.of(), null))
                .isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> f.app.releaseLease().release(agent1, stubborn.leaseId(), "preempted"))
                .isInstanceOf(LeaseLostException.class);
        assertThat(f.jobs.checkpoints("contoso", standard.id())).singleElement()
                .satisfies(c -> assertThat(c.data()).isEqualTo(Map.of("at", 10)));
        assertThat(f.job(standard)).isEqualTo(revoked);
    }

    @Test
    void victimsAreLowestTierFirstAndNeverUnpreemptibleOrTooOftenPreempted() {
        f.register("agent-p", "westeurope", "shared", 1, "azure-devops");
        f.register("agent-s", "westeurope", "shared", 1, "azure-devops");
        f.register("agent-x", "westeurope", "shared", 1, "azure-devops");
        Job premium = f.submit("contoso", aJobSpec().withTier(Tier.Premium).build());
        leased("agent-p", premium);
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        leased("agent-s", standard);
        Job pinned = f.submit("contoso", aJobSpec().withTier(Tier.Standard).withPolicy(new JobPolicy(3, false)).build());
        leased("agent-x", pinned);

        f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).build());
        f.clock.advance(Duration.ofSeconds(3));

        assertThat(f.app.preemption().run("westeurope")).singleElement()
                .satisfies(d -> assertThat(d.victimJobId()).isEqualTo(standard.id()));
        assertThat(f.job(pinned).state()).isEqualTo(JobState.Assigned);
        assertThat(f.job(premium).state()).isEqualTo(JobState.Assigned);
    }

    @Test
    void aPremiumJobNeverPreemptsPremiumOrPlatinumWork() {
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        Job premium = f.submit("contoso", aJobSpec().withTier(Tier.Premium).build());
        leased("agent-1", premium);
        f.submit("fabrikam", aJobSpec().withTier(Tier.Premium).build());
        f.clock.advance(Duration.ofSeconds(3));

        assertThat(f.app.preemption().run("westeurope")).isEmpty();
        assertThat(f.job(premium).state()).isEqualTo(JobState.Assigned);
    }

    @Test
    void noOneIsPreemptedWhenAnIdleAgentCanTakeTheJob() {
        f.register("agent-busy", "westeurope", "shared", 1, "azure-devops");
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        leased("agent-busy", standard);
        f.register("agent-idle", "westeurope", "shared", 1, "azure-devops");
        f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).build());
        f.clock.advance(Duration.ofSeconds(3));
        f.app.heartbeat().beat(DispatchFixture.agentIdentity("agent-idle"), "agent-idle");

        assertThat(f.app.preemption().run("westeurope")).isEmpty();
    }

    @Test
    void pauseResumeOfARunningJobKeepsItsCheckpoints() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant first = leased("agent-1", job);
        f.app.saveCheckpoint().save(agent1, first.leaseId(), "git-main", Checkpoint.Kind.git,
                Map.of("repo", "https://dev.azure.com/contoso/Alpha/_git/app", "ref", "refs/heads/main", "commit", "a1b2c3d"));

        assertThat(f.app.pauseResume().pause(operator, job.id()).state()).isEqualTo(JobState.Pausing);
        assertThat(commandFor(agent1, "agent-1", first.leaseId())).isEqualTo("pause");
        assertThat(f.app.releaseLease().release(agent1, first.leaseId(), "paused").state()).isEqualTo(JobState.Paused);
        assertThat(f.lease("agent-1")).as("a paused job is not dispatched").isEmpty();

        assertThat(f.app.pauseResume().resume(operator, job.id()).state()).isEqualTo(JobState.Queued);
        LeaseGrant second = leased("agent-1", job);
        assertThat(second.resumed()).isTrue();
        assertThat(second.checkpoints()).extracting(Checkpoint::name).containsExactly("git-main");
        assertThatThrownBy(() -> f.app.pauseResume().resume(operator, job.id())).isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void aQueuedJobPausesAtOnceAndAPausingAgentThatNeverReleasesLosesTheLease() {
        Job queued = f.submit("contoso", aJobSpec().build());
        assertThat(f.app.pauseResume().pause(operator, queued.id()).state()).isEqualTo(JobState.Paused);
        f.app.pauseResume().resume(operator, queued.id());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leased("agent-1", queued);
        f.app.pauseResume().pause(operator, queued.id());

        f.clock.advance(Duration.ofSeconds(31));
        f.app.reconcile().region("westeurope");

        assertThat(f.job(queued).state()).isEqualTo(JobState.Paused);
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).isEmpty();
        assertThatThrownBy(() -> f.app.finishJob().complete(agent1, grant.leaseId())).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aPausingJobWhoseAgentDiedEndsPausedNotRequeued() {
        // A grace period longer than the lease: the lease runs out first.
        try (DispatchFixture g = new DispatchFixture(stores(), Map.of("STOP_GRACE_SECONDS", "600"))) {
            Job job = g.submit("contoso", aJobSpec().build());
            g.register("agent-1", "westeurope", "shared", 1, "azure-devops");
            g.lease("agent-1").orElseThrow();
            g.app.pauseResume().pause(operator, job.id());

            g.clock.advance(g.settings.leaseDuration().plusSeconds(1));
            Reconcile.Report report = g.app.reconcile().region("westeurope");

            assertThat(report.revokedStops()).isEqualTo(1);
            assertThat(g.job(job).state()).isEqualTo(JobState.Paused);
            assertThat(g.ready.heads("westeurope", 10)).isEmpty();
        }
    }

    @Test
    void cancellingARunningJobTellsItsAgentToStopAndFencesItsWrites() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leased("agent-1", job);
        f.app.saveCheckpoint().save(agent1, grant.leaseId(), "c", Checkpoint.Kind.cursor, Map.of("n", 1));

        assertThat(f.app.cancelJob().cancel(operator, job.id(), "wrong project").state()).isEqualTo(JobState.Cancelled);

        assertThat(commandFor(agent1, "agent-1", grant.leaseId())).isEqualTo("cancel");
        assertThatThrownBy(() -> f.app.reportProgress().report(agent1, grant.leaseId(), 50, Map.of(), null))
                .isInstanceOf(LeaseLostException.class);
        assertThat(f.jobs.checkpoints("contoso", job.id())).hasSize(1);
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).isEmpty();
    }
    @Test
    void aJobClaimedByItsHeldAgentThenPreemptedStaysDispatchableWhenTheClaimsLateCleanupRuns() {
        // Found by the crash suite: a Premium job claimed by the agent preemption had held for it,
        // preempted in turn by a Platinum one and released, sat Queued for ever with no ready
        // entry. The held claim made up the job's entry (no ETag), so the claim's clean-up, run
        // later on the busy background pool, deleted whatever entry had that key: the new one its
        // release had just written (a job keeps its key when it comes back).
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant victim = leased("agent-1", standard);
        Job premium = f.submit("fabrikam", aJobSpec().withTier(Tier.Premium).build());
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(f.app.preemption().run("westeurope")).singleElement()
                .satisfies(d -> assertThat(d.waitingJobId()).isEqualTo(premium.id()));
        f.app.releaseLease().release(agent1, victim.leaseId(), "preempted");

        f.background.hold();
        LeaseGrant held = leased("agent-1", premium); // the held agent's claim; its clean-up waits
        f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).build());
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(f.app.preemption().run("westeurope")).singleElement()
                .satisfies(d -> assertThat(d.victimJobId()).isEqualTo(premium.id()));
        f.app.releaseLease().release(agent1, held.leaseId(), "preempted");
        f.background.runHeld();

        assertThat(f.job(premium).state()).isEqualTo(JobState.Queued);
        assertThat(f.ready.heads("westeurope", 10)).extracting(e -> e.jobId()).contains(premium.id());
        f.register("agent-2", "westeurope", "shared", 2, "azure-devops");
        List<String> leased = new java.util.ArrayList<>();
        f.lease("agent-2").ifPresent(g -> leased.add(g.job().id()));
        f.lease("agent-2").ifPresent(g -> leased.add(g.job().id()));
        assertThat(leased).as("the preempted Premium job is dispatched again").contains(premium.id());
    }
}
