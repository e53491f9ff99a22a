package io.controlplane.app;

import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

abstract class LeaseWorkTest {

    /** The stores the scenarios run on. */
    protected abstract UseCases.Stores stores();


    private final DispatchFixture f = new DispatchFixture(stores(), Map.of());

    @AfterEach
    void close() {
        f.close();
    }

    private String leasedJob(String agentId) {
        return f.lease(agentId).map(g -> g.job().id()).orElse(null);
    }

    @Test
    void platinumBeforePremiumBeforeStandardWhateverTheSubmissionOrder() {
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        f.clock.advance(Duration.ofSeconds(1));
        Job premium = f.submit("contoso", aJobSpec().withTier(Tier.Premium).build());
        f.clock.advance(Duration.ofSeconds(1));
        Job platinum = f.submit("contoso", aJobSpec().withTier(Tier.Platinum).build());
        f.register("agent-1", "westeurope", "shared", 3, "azure-devops");

        assertThat(List.of(leasedJob("agent-1"), leasedJob("agent-1"), leasedJob("agent-1")))
                .containsExactly(platinum.id(), premium.id(), standard.id());
    }

    @Test
    void withinATierTheOldestGoesFirst() {
        Job first = f.submit("contoso", aJobSpec().withTier(Tier.Premium).build());
        f.clock.advance(Duration.ofMillis(5));
        Job second = f.submit("fabrikam", aJobSpec().withTier(Tier.Premium).build());
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");

        assertThat(List.of(leasedJob("agent-1"), leasedJob("agent-1"))).containsExactly(first.id(), second.id());
    }

    @Test
    void jobsTheAgentCannotRunAtTheHeadDoNotHideOneItCan() {
        DispatchFixture narrow = new DispatchFixture(stores(), Map.of("DISPATCH_HEADS_PER_TIER", "3"));
        try {
            for (int i = 0; i < 7; i++) {
                narrow.submit("contoso", aJobSpec().withTier(Tier.Standard).withCapabilities("tfs").build());
                narrow.clock.advance(Duration.ofMillis(1));
            }
            Job runnable = narrow.submit("contoso", aJobSpec().withTier(Tier.Standard).withCapabilities("git").build());
            narrow.register("agent-git", "westeurope", "shared", 1, "git");

            assertThat(narrow.lease("agent-git")).map(g -> g.job().id()).contains(runnable.id());
        } finally {
            narrow.close();
        }
    }

    @Test
    void aLongWaitingStandardJobAgesPastAFreshPremiumOne() {
        Job old = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        f.clock.advance(f.settings.agingStep().multipliedBy(2));
        f.submit("contoso", aJobSpec().withTier(Tier.Premium).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");

        assertThat(leasedJob("agent-1")).isEqualTo(old.id());
    }

    @Test
    void anAgentNeverGetsAJobOfAnotherRegion() {
        Job north = f.submit("contoso", aJobSpec().withRegion("northeurope").build());
        f.register("agent-west", "westeurope", "shared", 1, "azure-devops");
        f.register("agent-north", "northeurope", "shared", 1, "azure-devops");

        assertThat(f.lease("agent-west")).isEmpty();
        assertThat(leasedJob("agent-north")).isEqualTo(north.id());
    }

    @Test
    void anAgentNeverGetsAJobWhoseCapabilitiesItLacks() {
        Job git = f.submit("contoso", aJobSpec().withCapabilities("git", "lfs").build());
        f.register("agent-partial", "westeurope", "shared", 1, "git");
        f.register("agent-full", "westeurope", "shared", 1, "git", "lfs", "azure-devops");

        assertThat(f.lease("agent-partial")).isEmpty();
        assertThat(leasedJob("agent-full")).isEqualTo(git.id());
    }

    @Test
    void aDedicatedPoolTakesOnlyItsTenantsJobs() {
        f.dedicate("contoso", "contoso-platinum");
        Job fabrikam = f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).build());
        f.register("agent-dedicated", "westeurope", "contoso-platinum", 1, "azure-devops");

        assertThat(f.lease("agent-dedicated")).isEmpty();

        Job contoso = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        assertThat(leasedJob("agent-dedicated")).isEqualTo(contoso.id());
        assertThat(f.job(fabrikam).state()).isEqualTo(JobState.Queued);
    }

    @Test
    void aTenantWithADedicatedPoolUsesItFirstThenSharedAgentsHelp() {
        f.dedicate("contoso", "contoso-platinum");
        Job contoso = f.submit("contoso", aJobSpec().withTier(Tier.Platinum).build());
        f.register("agent-shared", "westeurope", "shared", 1, "azure-devops");

        assertThat(f.lease("agent-shared")).as("within the preference window").isEmpty();

        f.clock.advance(f.settings.dedicatedPoolPreference().plusSeconds(1));
        assertThat(leasedJob("agent-shared")).isEqualTo(contoso.id());
    }

    @Test
    void slotsDrainingAndHealthLimitWhatAnAgentTakes() {
        for (int i = 0; i < 4; i++) {
            f.submit("contoso", aJobSpec().build());
        }
        f.register("agent-2slots", "westeurope", "shared", 2, "azure-devops");
        assertThat(f.lease("agent-2slots")).isPresent();
        assertThat(f.lease("agent-2slots")).isPresent();
        assertThat(f.lease("agent-2slots")).as("both slots taken").isEmpty();

        f.register("agent-drained", "westeurope", "shared", 1, "azure-devops");
        f.app.admin().drain("agent-drained");
        assertThat(f.lease("agent-drained")).isEmpty();

        f.register("agent-silent", "westeurope", "shared", 1, "azure-devops");
        f.clock.advance(f.settings.agentOfflineAfter().plusSeconds(1));
        // Asking for work is itself a sign of life: an agent that asks again is healthy again.
        assertThat(f.lease("agent-silent")).isPresent();
    }

    @Test
    void aLeaseCarriesANewEpochAndTheJobRecordsIt() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");

        LeaseGrant grant = f.lease("agent-1").orElseThrow();

        Job leased = f.job(job);
        assertThat(grant.epoch()).isEqualTo(1);
        assertThat(leased.state()).isEqualTo(JobState.Assigned);
        assertThat(leased.agentId()).isEqualTo("agent-1");
        assertThat(leased.leaseId()).isEqualTo(grant.leaseId());
        assertThat(leased.epoch()).isEqualTo(1);
        assertThat(leased.leaseExpiresAt()).isEqualTo(f.clock.instant().plus(f.settings.leaseDuration()));
        assertThat(grant.resumed()).isFalse();
        assertThat(f.ready.heads("westeurope", 10)).isEmpty();
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).hasSize(1);
    }

    @Test
    void manyAgentsClaimingAtOnceNeverLeaseAJobTwice() throws Exception {
        int jobs = 60;
        int agents = 12;
        for (int i = 0; i < jobs; i++) {
            f.submit("contoso", aJobSpec().withTier(Tier.values()[i % 3]).build());
        }
        for (int a = 0; a < agents; a++) {
            f.register("agent-" + a, "westeurope", "shared", 10, "azure-devops");
        }
        Map<String, String> holder = Collections.synchronizedMap(new HashMap<>());
        List<String> doubles = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(agents);
        CountDownLatch start = new CountDownLatch(1);
        for (int a = 0; a < agents; a++) {
            String agentId = "agent-" + a;
            pool.submit(() -> {
                start.await();
                Optional<LeaseGrant> grant;
                while ((grant = f.lease(agentId)).isPresent()) {
                    if (holder.putIfAbsent(grant.get().job().id(), agentId) != null) {
                        doubles.add(grant.get().job().id());
                    }
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(doubles).isEmpty();
        assertThat(holder).hasSize(jobs);
        holder.forEach((jobId, agentId) -> {
            Job job = f.jobs.find("contoso", jobId).orElseThrow();
            assertThat(job.agentId()).isEqualTo(agentId);
            assertThat(f.jobs.history("contoso", jobId)).filteredOn(h -> h.to() == JobState.Assigned).hasSize(1);
        });
        int reserved = 0;
        for (int a = 0; a < agents; a++) {
            reserved += f.agents.find("westeurope", "agent-" + a).orElseThrow().leases().size();
        }
        assertThat(reserved).as("every reservation belongs to a lease the job confirms").isEqualTo(jobs);
    }

    @Test
    void aWaitingAgentIsWokenBySubmissionNotAtTheNextPoll() throws Exception {
        DispatchFixture slow = new DispatchFixture(stores(), Map.of("DISPATCH_POLL_MS", "30000"));
        try {
            slow.register("agent-1", "westeurope", "shared", 1, "azure-devops");
            ExecutorService pool = Executors.newSingleThreadExecutor();
            var waiting = pool.submit(() -> slow.app.leaseWork().lease(DispatchFixture.agentIdentity("agent-1"), "agent-1", 20));
            Thread.sleep(200);
            Job job = slow.submit("contoso", aJobSpec().build());

            Optional<LeaseGrant> grant = waiting.get(10, TimeUnit.SECONDS);

            assertThat(grant).map(g -> g.job().id()).contains(job.id());
            pool.shutdownNow();
        } finally {
            slow.close();
        }
    }

    /** A poll of the agent, once it waits (parked, its region's view loaded). */
    private static java.util.concurrent.CompletableFuture<Optional<LeaseGrant>> waitingPoll(DispatchFixture on, String agentId)
            throws InterruptedException {
        int before = on.app.longPolls().size();
        var poll = on.app.leaseWork().leaseAsync(DispatchFixture.agentIdentity(agentId), agentId, 20);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (on.app.longPolls().size() <= before && !poll.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(poll).as("the poll waits").isNotDone();
        return poll;
    }

    @Test
    void aJobSubmittedWhileAnAgentWaitsIsStoredLeasedToItInItsCreationWithNoReadyEntry() throws Exception {
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        var poll = waitingPoll(f, "agent-1");

        Job job = f.submit("contoso", aJobSpec().build());

        assertThat(job.state()).isEqualTo(JobState.Assigned);
        assertThat(job.agentId()).isEqualTo("agent-1");
        assertThat(job.epoch()).isEqualTo(1);
        LeaseGrant grant = poll.get(10, TimeUnit.SECONDS).orElseThrow();
        assertThat(grant.job().id()).isEqualTo(job.id());
        assertThat(grant.leaseId()).isEqualTo(job.leaseId());
        assertThat(grant.resumed()).isFalse();
        assertThat(f.jobs.history("contoso", job.id())).extracting(io.controlplane.domain.HistoryEntry::to)
                .containsExactly(JobState.Queued, JobState.Assigned);
        assertThat(f.ready.heads("westeurope", 10)).as("never queued, so no ready entry").isEmpty();
        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().lease(grant.leaseId())).isPresent();
        // The lease is an ordinary one: the first heartbeat starts the job.
        var beat = f.app.heartbeat().beat(DispatchFixture.agentIdentity("agent-1"), "agent-1", List.of(grant.leaseId()));
        assertThat(beat.commands()).extracting(AgentCommand::type).containsExactly("continue");
        assertThat(f.job(job).state()).isEqualTo(JobState.Running);
    }

    @Test
    void aJobNoWaitingAgentMayTakeIsQueuedAndTheAgentWaitsOn() throws Exception {
        f.register("agent-git", "westeurope", "shared", 1, "git");
        var poll = waitingPoll(f, "agent-git");

        Job job = f.submit("contoso", aJobSpec().withCapabilities("tfs").build());

        assertThat(job.state()).isEqualTo(JobState.Queued);
        assertThat(f.ready.heads("westeurope", 10)).extracting(io.controlplane.domain.ReadyEntry::jobId).containsExactly(job.id());
        Thread.sleep(100);
        assertThat(poll).isNotDone();
        assertThat(f.agents.find("westeurope", "agent-git").orElseThrow().leases()).isEmpty();
    }

    @Test
    void aSubmissionOverItsQuotaWhileAnAgentWaitsStoresNothingAndGivesTheSlotBack() throws Exception {
        f.app.admin().entitle(new io.controlplane.domain.TenantEntitlement("contoso", Tier.Platinum, java.util.Set.of("westeurope"),
                null, 1, java.util.Set.of("kv-contoso"), java.util.Set.of()));
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        Job first = f.submit("contoso", aJobSpec().build());
        assertThat(f.lease("agent-1")).map(g -> g.job().id()).contains(first.id());
        var poll = waitingPoll(f, "agent-1");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.submit("contoso", aJobSpec().build()))
                .isInstanceOf(io.controlplane.domain.QuotaExceededException.class);

        assertThat(f.agents.find("westeurope", "agent-1").orElseThrow().leases()).extracting(io.controlplane.domain.AgentLease::jobId)
                .containsExactly(first.id());
        assertThat(f.jobs.list("contoso", io.controlplane.ports.JobFilter.none(), 10, null).items()).extracting(Job::id)
                .containsExactly(first.id());
        assertThat(f.ready.heads("westeurope", 10)).isEmpty();
        Thread.sleep(100);
        assertThat(poll).isNotDone();
        // The slot given back is taken by the next job the tenant may submit.
        f.app.admin().entitle(new io.controlplane.domain.TenantEntitlement("contoso", Tier.Platinum, java.util.Set.of("westeurope"),
                null, 5, java.util.Set.of("kv-contoso"), java.util.Set.of()));
        Job second = f.submit("contoso", aJobSpec().build());
        assertThat(poll.get(10, TimeUnit.SECONDS)).map(g -> g.job().id()).contains(second.id());
    }
}
