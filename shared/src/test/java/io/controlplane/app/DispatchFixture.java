package io.controlplane.app;

import io.controlplane.adapters.memory.InMemoryAgentStore;
import io.controlplane.adapters.memory.InMemoryIntakeQueue;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.adapters.memory.InMemoryReadyQueue;
import io.controlplane.adapters.memory.InMemoryTenantStore;
import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.testing.MutableClock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Use cases on in-memory stores and a hand-moved clock, with helpers to act as clients and agents. */
public final class DispatchFixture implements AutoCloseable {

    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    public final MutableClock clock = new MutableClock(T0);
    public final io.controlplane.ports.JobStore jobs;
    public final io.controlplane.ports.AgentStore agents;
    public final io.controlplane.ports.ReadyQueue ready;
    public final io.controlplane.ports.TenantStore tenants;
    public final io.controlplane.ports.MappingStore mappings;
    public final io.controlplane.ports.LeaseExpiries leases;
    public final InMemoryIntakeQueue intake = new InMemoryIntakeQueue();
    public final DispatchSettings settings;
    public final UseCases app;
    /** The use cases' background work: runs at once, unless a test holds it to run it late. */
    public final Background background = new Background();

    /** An executor that runs tasks at once, or keeps them while held, to run them late (a busy pool). */
    public static final class Background implements java.util.concurrent.Executor {
        private final java.util.List<Runnable> held = new java.util.ArrayList<>();
        private boolean holding;

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                if (holding) {
                    held.add(task);
                    return;
                }
            }
            task.run(); // not under this monitor: a task may wait for a lock its submitter's peers hold
        }

        /** From now on, tasks wait for {@link #runHeld()}. */
        public synchronized void hold() {
            holding = true;
        }

        /** Runs the tasks kept so far, in order, and runs later ones at once again. */
        public void runHeld() {
            java.util.List<Runnable> late;
            synchronized (this) {
                holding = false;
                late = new java.util.ArrayList<>(held);
                held.clear();
            }
            late.forEach(Runnable::run);
        }
    }

    public DispatchFixture() {
        this(Map.of());
    }

    public DispatchFixture(Map<String, String> settingValues) {
        this(new UseCases.Stores(new InMemoryJobStore(), new InMemoryAgentStore(), new InMemoryReadyQueue(),
                new InMemoryTenantStore(), new io.controlplane.adapters.memory.InMemoryMappingStore(),
                new io.controlplane.adapters.memory.InMemoryLeaseExpiries()), settingValues);
    }

    public DispatchFixture(UseCases.Stores stores, Map<String, String> settingValues) {
        this(stores, settingValues, io.controlplane.telemetry.Telemetry.noop());
    }

    /** On in-memory stores, reporting to {@code telemetry} (an SDK with in-memory exporters). */
    public DispatchFixture(Map<String, String> settingValues, io.controlplane.telemetry.Telemetry telemetry) {
        this(new UseCases.Stores(new InMemoryJobStore(), new InMemoryAgentStore(), new InMemoryReadyQueue(),
                new InMemoryTenantStore(), new io.controlplane.adapters.memory.InMemoryMappingStore(),
                new io.controlplane.adapters.memory.InMemoryLeaseExpiries()), settingValues, telemetry);
    }

    public DispatchFixture(UseCases.Stores stores, Map<String, String> settingValues, io.controlplane.telemetry.Telemetry telemetry) {
        jobs = stores.jobs();
        agents = stores.agents();
        ready = stores.ready();
        tenants = stores.tenants();
        mappings = stores.mappings();
        leases = stores.leases();
        settings = DispatchSettings.from(settingValues);
        app = UseCases.builder(stores, intake, Set.of("westeurope", "northeurope")).dispatch(settings)
                .tenancy(io.controlplane.config.TenancySettings.from(settingValues)).clock(clock).background(background)
                .telemetry(telemetry).build();
    }

    public static Caller client(String tenant) {
        return new Caller(tenant, "user@" + tenant, Set.of("Jobs.Submit", "Jobs.Read", "Jobs.Manage"));
    }

    public static Caller agentIdentity(String agentId) {
        return new Caller("provider", "sp-" + agentId, Set.of("Agents.Run"));
    }

    public Job submit(String tenant, JobSpec spec) {
        return app.submitJob().submit(client(tenant), spec);
    }

    public void register(String agentId, String region, String pool, int slots, String... capabilities) {
        app.registerAgent().register(agentIdentity(agentId), agentId,
                new RegisterAgent.Registration(region, pool, Set.of(capabilities), slots));
    }

    /** One claim attempt, no waiting. */
    public Optional<LeaseGrant> lease(String agentId) {
        try {
            return app.leaseWork().lease(agentIdentity(agentId), agentId, 0);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public void dedicate(String tenant, String pool) {
        app.admin().entitle(new TenantEntitlement(tenant, Tier.Platinum, Set.of("westeurope"), pool, 100, Set.of("kv-contoso"),
                pool == null ? Set.of() : Set.of(pool)));
    }

    public Job job(Job job) {
        return jobs.find(job.tenantId(), job.id()).orElseThrow();
    }

    @Override
    public void close() {
        app.close();
    }
}
