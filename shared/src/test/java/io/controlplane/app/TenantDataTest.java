package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.InvalidStateException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.JobState;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.ports.JobFilter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GDPR export and erase of a tenant, and erase of a job, on a tenant with everything a tenant can
 * have: queued, running and finished jobs, history, checkpoints, an Idempotency-Key, ID mappings in
 * two scopes, an entitlement and an agent its identity registered. Runs on every set of stores.
 */
abstract class TenantDataTest {

    protected DispatchFixture f;
    protected String tenant;
    protected String other;

    protected abstract UseCases.Stores stores();

    /** Fails when anything stored still belongs to {@code tenantId}. */
    protected abstract void assertNothingStoredFor(String tenantId);

    @BeforeEach
    void setUp() {
        f = new DispatchFixture(stores(), Map.of());
        String run = UUID.randomUUID().toString().substring(0, 8);
        tenant = "acme-" + run;
        other = "globex-" + run;
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    private Caller agentOf(String tenantId, String agentId) {
        return new Caller(tenantId, "sp-" + agentId, Set.of("Agents.Run"));
    }

    /** A tenant with a finished, a running (leased by its own agent) and a queued job, and more. */
    private Map<String, Job> populate(String tenantId, String agentId) {
        f.app.admin().entitle(new TenantEntitlement(tenantId, Tier.Platinum, Set.of("westeurope", "northeurope"), null, 10,
                Set.of("kv-contoso"), Set.of()));
        Caller client = DispatchFixture.client(tenantId);
        Job done = f.app.submitJob().submit(client, JobSpecs.aJobSpec().withMappingScope("scope-a").build(), "key-1", "fp-1").job();
        Job running = f.app.submitJob().submit(client, JobSpecs.aJobSpec().withMappingScope("scope-b").build());
        f.app.registerAgent().register(agentOf(tenantId, agentId), agentId,
                new RegisterAgent.Registration("westeurope", "shared", Set.of("azure-devops"), 2));
        Caller agent = agentOf(tenantId, agentId);
        LeaseGrant first = lease(agent, agentId);
        LeaseGrant second = lease(agent, agentId);
        LeaseGrant doneLease = first.job().id().equals(done.id()) ? first : second;
        LeaseGrant runningLease = doneLease == first ? second : first;
        f.app.saveCheckpoint().save(agent, doneLease.leaseId(), "cursor", Checkpoint.Kind.cursor, Map.of("at", 40));
        f.app.recordMappings().record(agent, doneLease.leaseId(), List.of(new IdMapping("workItem", "1", "101")));
        f.app.recordMappings().record(agent, runningLease.leaseId(), List.of(new IdMapping("workItem", "2", "202")));
        f.app.saveCheckpoint().save(agent, runningLease.leaseId(), "git", Checkpoint.Kind.git,
                Map.of("repo", "r", "ref", "refs/heads/main", "commit", "abc123"));
        f.app.finishJob().complete(agent, doneLease.leaseId());
        Job queued = f.app.submitJob().submit(client, JobSpecs.aJobSpec().withRegion("northeurope").build());
        return Map.of("done", f.job(done), "running", f.job(running), "queued", f.job(queued));
    }

    private LeaseGrant lease(Caller agent, String agentId) {
        try {
            return f.app.leaseWork().lease(agent, agentId, 0).orElseThrow();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theExportHoldsEverythingStoredForTheTenantAndNothingOfAnother() {
        Map<String, Job> jobs = populate(tenant, "agent-" + tenant);
        populate(other, "agent-" + other);

        TenantData.Export export = f.app.tenantData().export(tenant);

        assertThat(export.tenantId()).isEqualTo(tenant);
        assertThat(export.entitlement().maxConcurrentJobs()).isEqualTo(10);
        assertThat(export.jobs()).extracting(r -> r.job().id())
                .containsExactlyInAnyOrder(jobs.get("done").id(), jobs.get("running").id(), jobs.get("queued").id());
        assertThat(export.jobs()).allSatisfy(r -> assertThat(r.job().tenantId()).isEqualTo(tenant));
        TenantData.JobRecord done = export.jobs().stream().filter(r -> r.job().id().equals(jobs.get("done").id())).findFirst()
                .orElseThrow();
        assertThat(done.history()).extracting(e -> e.to()).containsExactly(JobState.Queued, JobState.Assigned, JobState.Running, JobState.Completed);
        assertThat(done.checkpoints()).extracting(Checkpoint::name).containsExactly("cursor");
        assertThat(export.idempotencyKeys()).extracting(k -> k.key() + "→" + k.jobId()).containsExactly("key-1→" + jobs.get("done").id());
        assertThat(export.mappings()).extracting(TenantData.ScopeMappings::scope).containsExactly("scope-a", "scope-b");
        assertThat(export.mappings().get(0).items()).containsExactly(new IdMapping("workItem", "1", "101"));
        assertThat(export.agents()).extracting(a -> a.id()).containsExactly("agent-" + tenant);
    }

    @Test
    void eraseLeavesNoEntityOfTheTenantInAnyTableAndTheOtherTenantWhole() {
        populate(tenant, "agent-" + tenant);
        Map<String, Job> theirs = populate(other, "agent-" + other);
        TenantData.Export before = f.app.tenantData().export(other);

        f.app.tenantData().erase(tenant, "operator-1");

        assertNothingStoredFor(tenant);
        TenantData.Export empty = f.app.tenantData().export(tenant);
        assertThat(empty.jobs()).isEmpty();
        assertThat(empty.mappings()).isEmpty();
        assertThat(empty.idempotencyKeys()).isEmpty();
        assertThat(empty.entitlement()).isNull();
        assertThat(empty.agents()).isEmpty();
        TenantData.Export after = f.app.tenantData().export(other);
        assertThat(after.jobs()).hasSameSizeAs(before.jobs());
        assertThat(after.mappings()).isEqualTo(before.mappings());
        assertThat(after.idempotencyKeys()).isEqualTo(before.idempotencyKeys());
        assertThat(after.agents()).extracting(a -> a.id()).containsExactly("agent-" + other);
        assertThat(f.job(theirs.get("running")).state()).isEqualTo(JobState.Assigned);
        // Reconciliation after the erase leaves the other tenant's work alone.
        f.app.reconcile().run();
        assertThat(f.job(theirs.get("running")).state()).isEqualTo(JobState.Assigned);
    }

    @Test
    void eraseTakesTheTenantsLeasesOffTheOperatorsAgentsAndFreesTheirSlots() {
        f.app.admin().entitle(new TenantEntitlement(tenant, Tier.Platinum, Set.of(), null, 10, Set.of("kv-contoso"), Set.of()));
        String operatorAgent = "shared-for-" + other; // not named after the tenant: its id stays stored
        Caller operator = agentOf("provider", operatorAgent);
        f.app.registerAgent().register(operator, operatorAgent,
                new RegisterAgent.Registration("westeurope", "shared", Set.of("azure-devops"), 2));
        Job mine = f.app.submitJob().submit(DispatchFixture.client(tenant), JobSpecs.aJobSpec().build());
        Job theirs = f.app.submitJob().submit(DispatchFixture.client(other), JobSpecs.aJobSpec().build());
        lease(operator, operatorAgent);
        lease(operator, operatorAgent);
        assertThat(f.agents.find("westeurope", operatorAgent).orElseThrow().leases()).extracting(l -> l.jobId())
                .containsExactlyInAnyOrder(mine.id(), theirs.id());

        f.app.tenantData().erase(tenant, "operator");

        var agent = f.agents.find("westeurope", operatorAgent).orElseThrow();
        assertThat(agent.leases()).extracting(l -> l.tenantId()).containsExactly(other);
        assertThat(agent.freeSlots()).isEqualTo(1);
        assertNothingStoredFor(tenant);
        assertThat(f.job(theirs).state()).isEqualTo(JobState.Assigned);
    }

    @Test
    void anEraseIsRefusedWithNothingErasedWhileTheTenantsAgentServesAnotherTenant() {
        String agentId = "agent-" + tenant;
        f.app.registerAgent().register(agentOf(tenant, agentId), agentId,
                new RegisterAgent.Registration("westeurope", "shared", Set.of("azure-devops"), 1));
        Job theirs = f.app.submitJob().submit(DispatchFixture.client(other), JobSpecs.aJobSpec().build());
        Job mine = f.app.submitJob().submit(DispatchFixture.client(tenant), JobSpecs.aJobSpec().withRegion("northeurope").build());
        assertThat(lease(agentOf(tenant, agentId), agentId).job().id()).isEqualTo(theirs.id());

        assertThatThrownBy(() -> f.app.tenantData().erase(tenant, "operator-1"))
                .isInstanceOf(InvalidStateException.class).hasMessageContaining(agentId).hasMessageContaining("drain");

        assertThat(f.jobs.find(tenant, mine.id())).isPresent();
        assertThat(f.agents.find("westeurope", agentId)).isPresent();
    }

    @Test
    void aFinishedJobIsErasedWithItsMappingsUnlessAnotherJobSharesTheScope() {
        Map<String, Job> jobs = populate(tenant, "agent-" + tenant);
        Job done = jobs.get("done");
        Caller client = DispatchFixture.client(tenant);
        // A later job of the same scope: the scope's mappings are its too.
        Job later = f.app.submitJob().submit(client, JobSpecs.aJobSpec().withMappingScope("scope-a").withRegion("northeurope").build());

        f.app.eraseJob().erase(client, done.id());

        assertThat(f.jobs.find(tenant, done.id())).isEmpty();
        assertThat(f.jobs.history(tenant, done.id())).isEmpty();
        assertThat(f.jobs.checkpoints(tenant, done.id())).isEmpty();
        assertThat(f.jobs.findIdempotencyKey(tenant, "key-1")).isEmpty();
        assertThat(f.mappings.findBySource(tenant, "scope-a", "workItem", "1")).as("shared with a later job").isPresent();

        f.app.cancelJob().cancel(client, later.id(), null);
        f.app.eraseJob().erase(client, later.id());
        assertThat(f.mappings.findBySource(tenant, "scope-a", "workItem", "1")).as("its last job is gone").isEmpty();
        assertThat(f.jobs.list(tenant, JobFilter.none(), 50, null).items()).extracting(Job::id)
                .containsExactlyInAnyOrder(jobs.get("running").id(), jobs.get("queued").id());
    }

    @Test
    void anUnfinishedJobIsNotErased() {
        Map<String, Job> jobs = populate(tenant, "agent-" + tenant);
        Caller client = DispatchFixture.client(tenant);

        for (String name : List.of("running", "queued")) {
            assertThatThrownBy(() -> f.app.eraseJob().erase(client, jobs.get(name).id()))
                    .isInstanceOf(InvalidStateException.class).hasMessageContaining("cancel it first");
            assertThat(f.jobs.find(tenant, jobs.get(name).id())).isPresent();
        }
        assertThat(f.mappings.findBySource(tenant, "scope-b", "workItem", "2")).isPresent();
        assertThatThrownBy(() -> f.app.eraseJob().erase(DispatchFixture.client(other), jobs.get("done").id()))
                .as("another tenant's job is not found").isInstanceOf(io.controlplane.domain.JobNotFoundException.class);
        assertThat(f.jobs.find(tenant, jobs.get("done").id())).isPresent();
    }
}
