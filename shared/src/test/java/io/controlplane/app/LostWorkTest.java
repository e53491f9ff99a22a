package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.LeaseLostException;
import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentStore;
import io.controlplane.ports.JobStore;
import io.controlplane.testing.Interleaving;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interleavings a review found to lose work or strand a job, each made to happen at its exact
 * point (an {@link Interleaving} around a port), on every store. Each test is named for the defect.
 */
abstract class LostWorkTest {

    /** The stores the scenarios run on (fresh ones per call). */
    protected abstract UseCases.Stores stores();

    private static final Map<String, String> SETTINGS = Map.of("PREEMPT_AFTER_SECONDS", "2", "STOP_GRACE_SECONDS", "30",
            "LEASE_SECONDS", "60", "STALE_ENTRY_GRACE_SECONDS", "5", "RETRY_BACKOFF_BASE_SECONDS", "600",
            "PROGRESS_MIN_INTERVAL_MS", "1500");

    private final UseCases.Stores base = stores();
    private final Interleaving<JobStore> jobs = Interleaving.of(JobStore.class, base.jobs());
    private final Interleaving<AgentStore> agents = Interleaving.of(AgentStore.class, base.agents());
    private final UseCases.Stores hooked = new UseCases.Stores(jobs.port(), agents.port(), base.ready(), base.tenants(),
            base.mappings(), base.leases());
    private final DispatchFixture f = new DispatchFixture(hooked, SETTINGS);
    private final Caller agent1 = DispatchFixture.agentIdentity("agent-1");
    private final Caller agent2 = DispatchFixture.agentIdentity("agent-2");
    private final Caller operator = DispatchFixture.client("contoso");

    @AfterEach
    void close() {
        f.close();
    }

    private LeaseGrant leased(String agentId, Job job) {
        LeaseGrant grant = f.lease(agentId).orElseThrow(() -> new AssertionError(agentId + " got no lease"));
        assertThat(grant.job().id()).isEqualTo(job.id());
        return grant;
    }

    /** Waits (real time, bounded) until the coalesced report of the job was flushed by its scheduler. */
    private static void awaitFlushed(DispatchFixture fixture, Job job) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (fixture.app.reportProgress().pending(job.tenantId(), job.id()).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static boolean writes(Object[] args, JobState state) {
        return args.length > 0 && args[0] instanceof Job job && job.state() == state;
    }

    // Defect 1: a retried stop victim kept its stop deadline; every later reconcile pass threw.

    @Test
    void aRetriedPauseVictimLeasedAgainIsNotTreatedAsStoppingWhenItsOldDeadlinePasses() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant first = leased("agent-1", job);
        f.app.pauseResume().pause(operator, job.id());
        f.app.finishJob().fail(agent1, first.leaseId(), "network", true); // Pausing → Paused (retry on resume)
        assertThat(f.job(job).state()).isEqualTo(JobState.Paused);
        assertThat(f.job(job).stopDeadline()).as("a lease that ends takes its stop deadline with it").isNull();
        f.app.pauseResume().resume(operator, job.id());
        f.clock.advance(Duration.ofMinutes(11)); // past the retry back-off
        LeaseGrant second = leased("agent-1", job);

        f.clock.advance(Duration.ofSeconds(40)); // past the old stop deadline, not past the new lease
        f.app.heartbeat().beat(agent1, "agent-1", List.of(second.leaseId()));
        Reconcile.Report report = f.app.reconcile().region("westeurope");

        assertThat(report.revokedStops()).isZero();
        assertThat(f.job(job).state()).isEqualTo(JobState.Running);
        assertThat(f.job(job).leaseId()).isEqualTo(second.leaseId());
    }

    @Test
    void aRetriedPreemptionVictimLeasedAgainIsNotRevokedWhenItsOldDeadlinePasses() {
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant victim = leased("agent-1", standard);
        Job premium = f.submit("fabrikam", aJobSpec().withTier(Tier.Premium).build());
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(f.app.preemption().run("westeurope")).hasSize(1);
        f.app.finishJob().fail(agent1, victim.leaseId(), "network", true); // Preempting → Queued (retry)
        assertThat(f.job(standard).stopDeadline()).isNull();
        LeaseGrant forPremium = leased("agent-1", premium);
        f.app.finishJob().complete(agent1, forPremium.leaseId());
        f.clock.advance(Duration.ofMinutes(11));
        LeaseGrant again = leased("agent-1", standard);

        f.clock.advance(Duration.ofSeconds(40));
        f.app.heartbeat().beat(agent1, "agent-1", List.of(again.leaseId()));

        assertThatCode(() -> f.app.reconcile().run()).doesNotThrowAnyException();
        assertThat(f.job(standard).state()).isEqualTo(JobState.Running);
        assertThat(f.job(standard).leaseId()).isEqualTo(again.leaseId());
    }

    @Test
    void aLeaseThatFailsToReconcileDoesNotStopThePassForTheOtherLeases() {
        f.submit("contoso", aJobSpec().build());
        f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        f.register("agent-2", "westeurope", "shared", 1, "azure-devops");
        Job broken = f.lease("agent-1").orElseThrow().job();
        Job other = f.lease("agent-2").orElseThrow().job();
        f.clock.advance(Duration.ofSeconds(61)); // both leases expired
        jobs.fail("find", args -> broken.id().equals(args[1]), () -> new IllegalStateException("unreadable row"), 100);

        Reconcile.Report report = f.app.reconcile().region("westeurope");

        assertThat(report.expiredLeases()).isEqualTo(1);
        assertThat(f.job(other).state()).isEqualTo(JobState.Queued);
    }

    @Test
    void storageThatCannotBeReachedEndsAStepAtItsFirstLeaseInsteadOfWaitingOutEveryLease() {
        f.submit("contoso", aJobSpec().build());
        f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        f.lease("agent-1").orElseThrow();
        f.lease("agent-1").orElseThrow();
        f.clock.advance(Duration.ofSeconds(61));
        jobs.fail("find", args -> true, () -> new java.io.UncheckedIOException(new java.net.ConnectException("refused")), 100);

        Reconcile.Report report = f.app.reconcile().region("westeurope");

        assertThat(report.expiredLeases()).isZero();
        assertThat(jobs.fired.get()).as("one read per step that reads jobs (agent leases, lease expiries), not one per lease")
                .isEqualTo(2);
    }

    @Test
    void aRegionThatFailsToReconcileDoesNotStopThePassForTheOtherRegions() {
        Job job = f.submit("contoso", aJobSpec().withRegion("northeurope").build());
        f.register("agent-n", "northeurope", "shared", 1, "azure-devops");
        leased("agent-n", job);
        f.clock.advance(Duration.ofSeconds(61));
        agents.fail("list", args -> "westeurope".equals(args[0]), () -> new IllegalStateException("storage down"), 100);

        List<Reconcile.Report> reports = f.app.reconcile().run();

        assertThat(reports).extracting(Reconcile.Report::region).contains("northeurope");
        assertThat(f.job(job).state()).isEqualTo(JobState.Queued);
    }

    // Defect 2: a claim whose commit was answered as a conflict left its job leased by nobody.

    @Test
    void aClaimWhoseCommitWasReportedAsAConflictKeepsItsLease() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        jobs.loseAnswer("update", args -> writes(args, JobState.Assigned),
                () -> new ConcurrencyConflictException("412 on the retry of a write that committed"));

        LeaseGrant grant = leased("agent-1", job);

        Job stored = f.job(job);
        assertThat(stored.state()).isEqualTo(JobState.Assigned);
        assertThat(stored.leaseId()).isEqualTo(grant.leaseId());
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().lease(grant.leaseId()))
                .as("the agent record still lists the lease").isPresent();
    }

    @Test
    void anExpiredLeaseThatNoAgentRecordListsIsRequeued() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leased("agent-1", job);
        Agent agent = f.agents.find("westeurope", "agent-1").orElseThrow();
        f.agents.update(agent.withoutLease(grant.leaseId())); // however it got lost, no record lists it now
        f.clock.advance(Duration.ofSeconds(61));

        f.app.reconcile().run();

        Job requeued = f.job(job);
        assertThat(requeued.state()).isEqualTo(JobState.Queued);
        assertThat(requeued.leaseId()).isNull();
        f.register("agent-2", "westeurope", "shared", 1, "azure-devops");
        assertThat(leased("agent-2", job).epoch()).isEqualTo(2);
    }

    // Defect 5: pause racing resume deleted the resumed job's ready entry.

    @Test
    void pauseRacingResumeLeavesTheResumedJobItsReadyEntry() {
        Job job = f.submit("contoso", aJobSpec().build());
        jobs.after("update", args -> writes(args, JobState.Paused), () -> f.app.pauseResume().resume(operator, job.id()));

        f.app.pauseResume().pause(operator, job.id());

        assertThat(jobs.fired.get()).isEqualTo(1);
        assertThat(f.job(job).state()).isEqualTo(JobState.Queued);
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        leased("agent-1", job);
    }

    // Smaller ones.

    @Test
    void aLostAnswerOnTheSlotReservationDoesNotListTheLeaseTwice() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        agents.loseAnswer("update", args -> args[0] instanceof Agent a && !a.leases().isEmpty(),
                () -> new ConcurrencyConflictException("412 on the retry of a write that committed"));

        LeaseGrant grant = leased("agent-1", job);

        Agent agent = f.agents.find("westeurope", "agent-1").orElseThrow();
        assertThat(agent.leases()).extracting(AgentLease::leaseId).containsExactly(grant.leaseId());
        assertThat(agent.freeSlots()).isEqualTo(1);
    }

    @Test
    void aProgressFlushAfterTheLeaseExpiredWritesNothing() throws Exception {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leased("agent-1", job);
        f.app.reportProgress().report(agent1, grant.leaseId(), 10, Map.of(), "first"); // written at once: Running
        f.app.reportProgress().report(agent1, grant.leaseId(), 20, Map.of(), "second"); // coalesced, flushed in 1.5 s
        f.clock.advance(Duration.ofSeconds(61)); // the lease expires before the flush runs

        awaitFlushed(f, job);

        assertThat(f.app.reportProgress().pending("contoso", job.id())).as("flushed").isEmpty();
        assertThat(f.job(job).progress().percent()).as("the flush wrote nothing after the lease expired").isEqualTo(10.0);
    }

    @Test
    void aProgressFlushAfterTheLeaseExpiredDoesNotStartAnAssignedJob() throws Exception {
        try (DispatchFixture g = new DispatchFixture(hooked, Map.of("PREEMPT_AFTER_SECONDS", "2", "STOP_GRACE_SECONDS", "1",
                "LEASE_SECONDS", "60", "PROGRESS_MIN_INTERVAL_MS", "6000"))) {
            Job standard = g.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
            g.register("agent-1", "westeurope", "shared", 1, "azure-devops", "git");
            LeaseGrant first = g.lease("agent-1").orElseThrow();
            g.app.reportProgress().report(agent1, first.leaseId(), 10, Map.of(), "first"); // opens the job's window
            g.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).withCapabilities("azure-devops", "git").build());
            g.clock.advance(Duration.ofSeconds(3));
            assertThat(g.app.preemption().run("westeurope")).hasSize(1);
            g.clock.advance(Duration.ofSeconds(2));
            assertThat(g.app.reconcile().region("westeurope").revokedStops()).isEqualTo(1); // the lease ends, the window stays
            g.register("agent-2", "westeurope", "shared", 1, "azure-devops");
            LeaseGrant second = g.lease("agent-2").orElseThrow();
            assertThat(second.job().id()).isEqualTo(standard.id());
            g.app.reportProgress().report(agent2, second.leaseId(), 11, Map.of(), "coalesced"); // flushed in a second
            g.clock.advance(Duration.ofSeconds(61)); // the new lease expires before the flush runs

            awaitFlushed(g, standard);

            assertThat(g.app.reportProgress().pending("contoso", standard.id())).isEmpty();
            assertThat(g.job(standard).state()).as("an expired lease starts nothing").isEqualTo(JobState.Assigned);
        }
    }

    @Test
    void aClaimDoesNotClearAHoldAConcurrentPreemptionSetForAnotherJob() {
        Job cancelled = f.submit("fabrikam", aJobSpec().withTier(Tier.Premium).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        Agent agent = f.agents.find("westeurope", "agent-1").orElseThrow();
        f.agents.update(agent.withHold(new Agent.Hold("fabrikam", cancelled.id(), f.clock.instant().plusSeconds(60))));
        f.app.cancelJob().cancel(DispatchFixture.client("fabrikam"), cancelled.id(), "not needed");
        f.app.heartbeat().beat(agent1, "agent-1"); // reads the record: this instance now knows the hold
        // A job the agent cannot take yet (a capability it lacks), so the new hold stands after the poll.
        Job waiting = f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).withCapabilities("azure-devops", "git-lfs").build());
        Agent.Hold forWaiting = new Agent.Hold("fabrikam", waiting.id(), f.clock.instant().plusSeconds(90));
        // The claim finds its hold's job gone; just before it clears that hold, a preemption holds the agent anew.
        agents.before("update", args -> args[0] instanceof Agent a && a.heldFor() == null && a.leases().isEmpty(),
                () -> f.agents.update(f.agents.find("westeurope", "agent-1").orElseThrow().withHold(forWaiting)));

        f.lease("agent-1");

        assertThat(agents.fired.get()).as("the preemption came in between").isEqualTo(1);
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().heldFor())
                .as("the new hold is kept: only the hold the claim saw is cleared").isEqualTo(forWaiting);
    }

    @Test
    void anInterruptedRetryRequeueFinishedByReconcileKeepsItsBackOff() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        LeaseGrant grant = leased("agent-1", job);
        // The failure requeues the job (entry with its back-off, then the job), then crashes before freeing the slot.
        agents.fail("update", args -> args[0] instanceof Agent a && a.leases().isEmpty(),
                () -> new IllegalStateException("crash"), 1);
        assertThatThrownBy(() -> f.app.finishJob().fail(agent1, grant.leaseId(), "network", true))
                .isInstanceOf(IllegalStateException.class);
        assertThat(f.job(job).state()).isEqualTo(JobState.Queued);
        f.clock.advance(Duration.ofSeconds(6)); // past the stale-entry grace, far inside the 10-minute back-off

        f.app.reconcile().region("westeurope");

        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).as("slot freed").isEmpty();
        assertThat(f.lease("agent-1")).as("still backing off").isEmpty();
        f.clock.advance(Duration.ofMinutes(11));
        leased("agent-1", job);
    }

    @Test
    void anAgentIdRegisteredAgainByAnotherIdentityIsCheckedAgainstItsNewPrincipalOnEveryInstance() {
        // Two instances on the same storage; the second one has checked agent-1's principal before.
        try (DispatchFixture second = new DispatchFixture(hooked, SETTINGS)) {
            Job job = f.submit("contoso", aJobSpec().build());
            f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
            LeaseGrant old = leased("agent-1", job);
            second.app.heartbeat().beat(agent1, "agent-1");
            second.app.reportProgress().report(agent1, old.leaseId(), 5, Map.of(), null); // caches the principal
            f.app.finishJob().complete(agent1, old.leaseId());
            f.app.tenantData().erase("provider", "operator"); // the agent's identity's tenant: its agents go too

            Caller newcomer = new Caller("provider2", "sp-newcomer", Set.of("Agents.Run"));
            f.app.registerAgent().register(newcomer, "agent-1", new RegisterAgent.Registration("westeurope", "shared",
                    Set.of("azure-devops"), 1));
            Job next = f.submit("contoso", aJobSpec().build());
            LeaseGrant fresh;
            try {
                fresh = f.app.leaseWork().lease(newcomer, "agent-1", 0).orElseThrow();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            assertThat(fresh.job().id()).isEqualTo(next.id());

            assertThatThrownBy(() -> second.app.reportProgress().report(agent1, fresh.leaseId(), 8, Map.of(), null))
                    .as("the old principal is refused on the instance that knew it").isInstanceOf(LeaseLostException.class);
            assertThatCode(() -> second.app.reportProgress().report(newcomer, fresh.leaseId(), 7, Map.of(), null))
                    .as("the new principal is accepted there").doesNotThrowAnyException();
        }
    }
}
