package io.controlplane.app;

import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobPolicy;
import io.controlplane.domain.JobState;
import io.controlplane.domain.LeaseLostException;
import io.controlplane.ports.AgentCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

abstract class LeaseLifecycleTest {

    /** The stores the scenarios run on. */
    protected abstract UseCases.Stores stores();


    private final DispatchFixture f = new DispatchFixture(stores(), Map.of("PROGRESS_MIN_INTERVAL_MS", "60000"));
    private final Caller agent1 = DispatchFixture.agentIdentity("agent-1");
    private final Caller agent2 = DispatchFixture.agentIdentity("agent-2");

    @AfterEach
    void close() {
        f.close();
    }

    private LeaseGrant leasedTo(String agentId, Job job) {
        LeaseGrant grant = f.lease(agentId).orElseThrow();
        assertThat(grant.job().id()).isEqualTo(job.id());
        return grant;
    }

    @Test
    void heartbeatsExtendTheLeaseAndStartTheJob() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);
        f.clock.advance(Duration.ofSeconds(30));

        AgentHeartbeat.Beat beat = f.app.heartbeat().beat(agent1, "agent-1");

        assertThat(beat.commands()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo("continue");
            assertThat(c.leaseId()).isEqualTo(grant.leaseId());
        });
        Job running = f.job(job);
        assertThat(running.state()).isEqualTo(JobState.Running);
        var record = f.agents.find("westeurope", "agent-1").orElseThrow();
        assertThat(record.lease(grant.leaseId()).orElseThrow().expiresAt()).as("extended on the agent's record")
                .isEqualTo(f.clock.instant().plus(f.settings.leaseDuration()));
        assertThat(running.leaseExpiry(record.lease(grant.leaseId()).orElseThrow()))
                .isEqualTo(f.clock.instant().plus(f.settings.leaseDuration()));
        assertThat(record.lastHeartbeatAt()).isEqualTo(f.clock.instant());
    }

    @Test
    void afterTheStartABusyAgentsHeartbeatWritesNoJobRowOnlyItsRecordWithTheLeasesExtended() {
        Job first = f.submit("contoso", aJobSpec().build());
        Job second = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        LeaseGrant a = f.lease("agent-1").orElseThrow();
        LeaseGrant b = f.lease("agent-1").orElseThrow();
        f.app.heartbeat().beat(agent1, "agent-1", List.of(a.leaseId(), b.leaseId())); // Assigned → Running, both
        String firstEtag = f.job(first).etag();
        String secondEtag = f.job(second).etag();

        for (int beat = 0; beat < 6; beat++) {
            f.clock.advance(f.settings.heartbeatInterval());
            AgentHeartbeat.Beat answer = f.app.heartbeat().beat(agent1, "agent-1", List.of(a.leaseId(), b.leaseId()));
            assertThat(answer.commands()).extracting(AgentCommand::type).containsExactly("continue", "continue");
        }

        assertThat(f.job(first).etag()).as("no job row written by heartbeats").isEqualTo(firstEtag);
        assertThat(f.job(second).etag()).isEqualTo(secondEtag);
        var record = f.agents.find("westeurope", "agent-1").orElseThrow();
        assertThat(record.leases()).extracting(io.controlplane.domain.AgentLease::expiresAt)
                .containsOnly(f.clock.instant().plus(f.settings.leaseDuration()));
        // Six beats (1.5 leases' length) on, the leases hold: the agent's writes go through.
        f.app.reportProgress().report(agent1, a.leaseId(), 50, Map.of(), "half");
        assertThat(f.job(a.job()).progress().percent()).isEqualTo(50);
    }

    @Test
    void progressIsShownAtOnceAndChattyReportsAreCoalesced() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);

        var first = f.app.reportProgress().report(agent1, grant.leaseId(), 10, Map.of("workItems", 100L), "stage 1");
        String etagAfterFirst = f.job(job).etag();
        var second = f.app.reportProgress().report(agent1, grant.leaseId(), 20, Map.of("workItems", 200L), "stage 1");
        var third = f.app.reportProgress().report(agent1, grant.leaseId(), 30, Map.of("workItems", 300L), "stage 2");

        assertThat(first.stored()).isTrue();
        assertThat(second.coalesced()).isTrue();
        assertThat(third.coalesced()).isTrue();
        assertThat(f.job(job).etag()).as("coalesced reports wrote nothing yet").isEqualTo(etagAfterFirst);
        assertThat(f.job(job).progress().percent()).isEqualTo(10);
        assertThat(f.job(job).state()).isEqualTo(JobState.Running);
        Job shown = f.app.jobQueries().get(DispatchFixture.client("contoso"), job.id());
        assertThat(shown.progress().percent()).as("the job view shows the latest report at once").isEqualTo(30);
        assertThat(shown.progress().counters()).containsEntry("workItems", 300L);
    }

    @Test
    void theReportCoalescedLastIsWhatTheEndedJobKeeps() {
        // Found from the CLI's watch: a job completed right after a coalesced report showed the
        // report before it (fewer items done than the agent said), for good.
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);
        f.app.reportProgress().report(agent1, grant.leaseId(), 10, Map.of("workItems", 100L), "stage 1");
        assertThat(f.app.reportProgress().report(agent1, grant.leaseId(), 95, Map.of("workItems", 950L), "stage 2").coalesced())
                .isTrue();

        Job done = f.app.finishJob().complete(agent1, grant.leaseId());

        assertThat(done.progress().percent()).isEqualTo(95);
        assertThat(f.job(job).progress().counters()).containsEntry("workItems", 950L);
        assertThat(f.job(job).state()).isEqualTo(JobState.Completed);
    }

    @Test
    void completingFreesTheSlotAndEndsTheLease() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);

        Job done = f.app.finishJob().complete(agent1, grant.leaseId());

        assertThat(done.state()).isEqualTo(JobState.Completed);
        assertThat(f.job(job).leaseId()).isNull();
        assertThat(f.jobs.history("contoso", job.id())).extracting(HistoryEntry::to)
                .containsExactly(JobState.Queued, JobState.Assigned, JobState.Running, JobState.Completed);
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).isEmpty();
        assertThatThrownBy(() -> f.app.finishJob().complete(agent1, grant.leaseId())).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void aLeaseThatEndsTakesItsExpiryEntryWithItSoTheReconcilePassNeverMeetsIt() {
        f.submit("contoso", aJobSpec().build());
        f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        LeaseGrant completed = f.lease("agent-1").orElseThrow();
        LeaseGrant released = f.lease("agent-1").orElseThrow();
        assertThat(f.leases.due("westeurope", f.clock.instant().plusSeconds(3600), 10)).hasSize(2);

        f.app.finishJob().complete(agent1, completed.leaseId());
        f.app.releaseLease().release(agent1, released.leaseId(), "shutdown");

        assertThat(f.leases.due("westeurope", f.clock.instant().plusSeconds(3600), 10)).isEmpty();
    }

    @Test
    void aRetryableFailureComesBackAfterBackOffUntilRetriesRunOut() {
        Job job = f.submit("contoso", aJobSpec().withPolicy(new JobPolicy(1, true)).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");

        LeaseGrant first = leasedTo("agent-1", job);
        Job retried = f.app.finishJob().fail(agent1, first.leaseId(), "TF400813: source unavailable", true);
        assertThat(retried.state()).isEqualTo(JobState.Queued);
        assertThat(retried.failures()).isEqualTo(1);
        assertThat(f.lease("agent-1")).as("held back by the back-off").isEmpty();

        f.clock.advance(f.settings.backoff(1).plusSeconds(1));
        LeaseGrant second = leasedTo("agent-1", job);
        assertThat(second.epoch()).isEqualTo(2);
        assertThat(second.resumed()).isTrue();
        Job failed = f.app.finishJob().fail(agent1, second.leaseId(), "TF400813 again", true);

        assertThat(failed.state()).isEqualTo(JobState.Failed);
        assertThat(failed.lastError()).isEqualTo("TF400813 again");
        assertThat(f.ready.heads("westeurope", 10)).isEmpty();
    }

    @Test
    void aNonRetryableFailureFailsAtOnceAndSecretsInTheErrorAreNotKeptByTheApi() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);

        Job failed = f.app.finishJob().fail(agent1, grant.leaseId(), "bad mapping", false);

        assertThat(failed.state()).isEqualTo(JobState.Failed);
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).isEmpty();
    }

    @Test
    void aSilentAgentLosesItsJobToAnotherAndItsLateWritesChangeNothing() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant stale = leasedTo("agent-1", job);
        f.app.reportProgress().report(agent1, stale.leaseId(), 40, Map.of(), "halfway");

        f.clock.advance(f.settings.leaseDuration().plusSeconds(1));
        Reconcile.Report report = f.app.reconcile().region("westeurope");

        assertThat(report.expiredLeases()).isEqualTo(1);
        assertThat(f.job(job).state()).isEqualTo(JobState.Queued);
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).isEmpty();

        f.register("agent-2", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant successor = leasedTo("agent-2", job);
        assertThat(successor.epoch()).isEqualTo(2);
        assertThat(successor.resumed()).isTrue();
        Job before = f.job(job);

        assertThatThrownBy(() -> f.app.reportProgress().report(agent1, stale.leaseId(), 99, Map.of(), "late"))
                .isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> f.app.finishJob().complete(agent1, stale.leaseId())).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> f.app.finishJob().fail(agent1, stale.leaseId(), "x", true)).isInstanceOf(LeaseLostException.class);
        assertThat(f.job(job)).isEqualTo(before);

        AgentHeartbeat.Beat lateBeat = f.app.heartbeat().beat(agent1, "agent-1");
        assertThat(lateBeat.commands()).isEmpty();

        Job done = f.app.finishJob().complete(agent2, successor.leaseId());
        assertThat(done.state()).isEqualTo(JobState.Completed);
        List<HistoryEntry> history = f.jobs.history("contoso", job.id());
        assertThat(history).extracting(HistoryEntry::to).containsExactly(JobState.Queued, JobState.Assigned,
                JobState.Running, JobState.Queued, JobState.Assigned, JobState.Running, JobState.Completed);
    }

    @Test
    void aLeaseOfAnotherAgentIdentityIsLost() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        f.register("agent-2", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);

        assertThatThrownBy(() -> f.app.finishJob().complete(agent2, grant.leaseId())).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> f.app.reportProgress().report(agent2, "forged", 1, Map.of(), null))
                .isInstanceOf(LeaseLostException.class);
        assertThat(f.job(job).state()).isEqualTo(JobState.Assigned);
    }

    @Test
    void aHeartbeatAfterTheLeaseWasTakenAwayTellsTheAgentToStop() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);
        f.app.cancelJob().cancel(DispatchFixture.client("contoso"), job.id(), "no longer needed");
        f.clock.advance(f.settings.staleEntryGrace().plusSeconds(1));

        AgentHeartbeat.Beat beat = f.app.heartbeat().beat(agent1, "agent-1");

        assertThat(beat.commands()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo("cancel");
            assertThat(c.leaseId()).isEqualTo(grant.leaseId());
            assertThat(c.reason()).isEqualTo("cancelled");
        });
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).isEmpty();
    }

    @Test
    void reconcileReleasesAReservationNoJobConfirmsAndDropsStaleEntries() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        var agent = f.agents.find("westeurope", "agent-1").orElseThrow();
        // A claim cut short after reserving the slot: the job never moved.
        f.agents.update(agent.withLease(new io.controlplane.domain.AgentLease("phantom", "contoso", job.id(), 1,
                f.clock.instant(), f.clock.instant().plusSeconds(60))));
        // A submission cut short after writing the entry: the job was never stored.
        f.ready.put(io.controlplane.domain.ReadyEntry.of(new Job("ghost", "contoso", aJobSpec().build(), JobState.Queued,
                null, 0, 0, 0, null, f.clock.instant(), f.clock.instant(), 1, null), null, f.clock.instant()));

        Reconcile.Report early = f.app.reconcile().region("westeurope");
        assertThat(early.releasedReservations()).isZero();
        assertThat(early.staleEntries()).isZero();

        f.clock.advance(f.settings.staleEntryGrace().plusSeconds(1));
        Reconcile.Report later = f.app.reconcile().region("westeurope");

        assertThat(later.releasedReservations()).isEqualTo(1);
        assertThat(later.staleEntries()).isEqualTo(1);
        assertThat(later.waiting()).isEqualTo(1);
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).isEmpty();
        assertThat(f.lease("agent-1")).map(g -> g.job().id()).contains(job.id());
    }
    @Test
    void aHeartbeatAfterTheLeaseExpiredStopsTheAgentAndLeavesTheJobToTheReconcilePassWhichRequeuesIt() {
        // Found by the crash suite: the control plane was down longer than LEASE_SECONDS, and the
        // agents' first heartbeats after its restart came before its first reconcile pass. The
        // heartbeat dropped the expired lease from the agent record, the one place the reconcile pass
        // looks for expired leases, so the job stayed Running, leased to nobody, for ever.
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);
        f.app.heartbeat().beat(agent1, "agent-1");
        f.clock.advance(f.settings.leaseDuration().plusSeconds(1));

        AgentHeartbeat.Beat late = f.app.heartbeat().beat(agent1, "agent-1", List.of(grant.leaseId()));

        assertThat(late.commands()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo("cancel");
            assertThat(c.leaseId()).isEqualTo(grant.leaseId());
            assertThat(c.reason()).isEqualTo("lease-lost");
        });
        assertThatThrownBy(() -> f.app.reportProgress().report(agent1, grant.leaseId(), 50, Map.of(), "late"))
                .isInstanceOf(LeaseLostException.class);
        Reconcile.Report report = f.app.reconcile().region("westeurope");
        assertThat(report.expiredLeases()).isEqualTo(1);
        assertThat(f.job(job).state()).isEqualTo(JobState.Queued);
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).isEmpty();
        LeaseGrant again = leasedTo("agent-1", job);
        assertThat(again.epoch()).isEqualTo(2);
    }

    @Test
    void aLeaseTheAgentNoLongerNamesIsNotExtendedSoARestartedAgentDoesNotKeepItsPredecessorsJobsForEver() {
        // Found by the crash suite: an agent killed with -9 and started again under the same id
        // heartbeats for the leases of its previous run too (the control plane extended every lease
        // on the agent's record), so those jobs were never requeued and their slots never freed.
        Job first = f.submit("contoso", aJobSpec().build());
        Job second = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        LeaseGrant abandoned = f.lease("agent-1").orElseThrow();
        LeaseGrant kept = f.lease("agent-1").orElseThrow();
        assertThat(List.of(abandoned.job().id(), kept.job().id())).containsExactlyInAnyOrder(first.id(), second.id());

        for (int beat = 0; beat < 3; beat++) {
            f.clock.advance(f.settings.leaseDuration().dividedBy(2));
            AgentHeartbeat.Beat answer = f.app.heartbeat().beat(agent1, "agent-1", List.of(kept.leaseId()));
            assertThat(answer.commands()).extracting(AgentCommand::leaseId).containsExactly(kept.leaseId());
            f.app.reconcile().region("westeurope");
        }

        assertThat(f.jobs.find("contoso", abandoned.job().id()).orElseThrow().state())
                .as("the lease nobody names expired and its job went back to the queue").isEqualTo(JobState.Queued);
        assertThat(f.jobs.find("contoso", kept.job().id()).orElseThrow().holdsLease(kept.leaseId())).isTrue();
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).extracting(l -> l.leaseId())
                .containsExactly(kept.leaseId());
        assertThat(f.lease("agent-1")).map(g -> g.job().id()).contains(abandoned.job().id());
    }

    @Test
    void withoutALeaseListEveryLeaseOfTheAgentIsExtendedAsBefore() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant grant = leasedTo("agent-1", job);
        for (int beat = 0; beat < 3; beat++) {
            f.clock.advance(f.settings.leaseDuration().dividedBy(2));
            f.app.heartbeat().beat(agent1, "agent-1");
            f.app.reconcile().region("westeurope");
        }

        assertThat(f.job(job).holdsLease(grant.leaseId())).isTrue();
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().lease(grant.leaseId()).orElseThrow().expiresAt())
                .isEqualTo(f.clock.instant().plus(f.settings.leaseDuration()));
    }
}
