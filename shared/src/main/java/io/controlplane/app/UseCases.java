package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.config.TenancySettings;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentStore;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.TenantStore;
import io.controlplane.scheduling.DispatchPolicy;
import io.controlplane.scheduling.Matching;
import io.controlplane.scheduling.WaitReasons;
import io.controlplane.telemetry.Telemetry;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Every use case, wired from the ports in one place, for the hosts (through
 * {@link io.controlplane.ControlPlane}) and for tests alike.
 */
public record UseCases(
        SubmitJob submitJob,
        JobQueries jobQueries,
        CancelJob cancelJob,
        RegisterAgent registerAgent,
        AgentHeartbeat heartbeat,
        LeaseWork leaseWork,
        ReportProgress reportProgress,
        RecordMappings recordMappings,
        FindMappings findMappings,
        FinishJob finishJob,
        Reconcile reconcile,
        AgentAdmin admin,
        SaveCheckpoint saveCheckpoint,
        ReleaseLease releaseLease,
        PauseResume pauseResume,
        Preemption preemption,
        ReadySignal signal,
        DispatchSettings dispatchSettings,
        EraseJob eraseJob,
        TenantData tenantData,
        Retention retention,
        LongPolls longPolls,
        Dispatcher dispatcher,
        ThrottleReports throttleReports,
        TenantOrganisations tenantOrganisations,
        JobEvents events) implements AutoCloseable {

    /** The stores a control plane runs on. */
    public record Stores(JobStore jobs, AgentStore agents, ReadyQueue ready, TenantStore tenants, MappingStore mappings,
                         LeaseExpiries leases) {
    }

    /** With work that need not hold up a caller (queue clean-up, intake messages) done on the caller's thread. */
    public static UseCases wire(Stores stores, IntakeQueue intake, Set<String> regions, DispatchSettings settings, Clock clock) {
        return wire(stores, intake, regions, settings, clock, Runnable::run);
    }

    /**
     * @param background runs work that need not hold up the caller: deleting a claimed job's ready
     *     entry (claims skip stale entries anyway) and publishing intake messages (the ready entry is
     *     already stored; the message only wakes other instances)
     */
    public static UseCases wire(Stores stores, IntakeQueue intake, Set<String> regions, DispatchSettings settings, Clock clock,
                                Executor background) {
        return wire(stores, intake, regions, settings, clock, background, AgentChannel.none());
    }

    /** @param channel pushes commands to agents at once (heartbeats carry them too) */
    public static UseCases wire(Stores stores, IntakeQueue intake, Set<String> regions, DispatchSettings settings, Clock clock,
                                Executor background, AgentChannel channel) {
        return wire(stores, intake, regions, settings, TenancySettings.defaults(), clock, background, channel);
    }

    /** @param tenancy entitlement admission and the retention of finished jobs */
    public static UseCases wire(Stores stores, IntakeQueue intake, Set<String> regions, DispatchSettings settings,
                                TenancySettings tenancy, Clock clock, Executor background,
                                AgentChannel channel) {
        return wire(stores, intake, regions, settings, tenancy, clock, background, channel, Telemetry.noop());
    }

    /** @param telemetry spans of dispatch, reconcile and preemption, and the job metrics */
    public static UseCases wire(Stores stores, IntakeQueue intake, Set<String> regions, DispatchSettings settings,
                                TenancySettings tenancy, Clock clock, Executor background,
                                AgentChannel channel, Telemetry telemetry) {
        return wire(stores, intake, regions, settings, tenancy, clock, background, channel, telemetry, Dispatching.solo());
    }

    /** @param dispatching who leads each region's dispatch, and how events and offers cross instances */
    public static UseCases wire(Stores stores, IntakeQueue intake, Set<String> regions, DispatchSettings settings,
                                TenancySettings tenancy, Clock clock, Executor background,
                                AgentChannel channel, Telemetry telemetry, Dispatching dispatching) {
        // Every committed job write publishes its state changes and checkpoints to the watchers.
        JobEvents events = new JobEvents();
        stores = new Stores(new PublishingJobStore(stores.jobs(), events), stores.agents(), stores.ready(), stores.tenants(),
                stores.mappings(), stores.leases());
        ReadySignal signal = new ReadySignal();
        // Parked long polls, woken by the dispatcher when it offers their agent a lease.
        LongPolls longPolls = new LongPolls(LONG_POLL_THREADS);
        AgentRecords agents = new AgentRecords(stores.agents(), regions);
        // Heartbeats that wait for a stop parked apart from lease polls; every command pushed here
        // wakes them, then goes on to the deployment's channel.
        PushedCommands pushed = new PushedCommands(new LongPolls(2), channel);
        channel = pushed;
        Requeue requeue = new Requeue(stores.jobs(), stores.ready(), intake, signal, clock, background);
        Pools pools = new Pools(stores.tenants(), clock);
        DispatchPolicy policy = new DispatchPolicy(settings.agingStep(), settings.dedicatedPoolPreference());
        LeaseStops stops = new LeaseStops(agents, settings.agentRecordReuse());
        LeaseAccess leases = new LeaseAccess(stores.jobs(), agents, telemetry, clock, settings.agentRecordReuse());
        ReportProgress progress = new ReportProgress(stores.jobs(), leases, settings.progressMinInterval(), clock, events);
        JobQueries queries = new JobQueries(stores.jobs(), progress);
        SlotRelease slots = new SlotRelease(agents, stores.leases(), signal, settings);
        Claims claims = new Claims(agents, stores.jobs(), stores.ready(), stores.leases(), settings, telemetry, background,
                leases);
        Dispatcher dispatcher = new Dispatcher(agents, stores.jobs(), stores.ready(), claims,
                new Matching(policy, settings.agentOfflineAfter(), settings.fairShare()),
                new WaitReasons(policy, settings.agentOfflineAfter(), settings.fairShare()), pools, settings, clock,
                background,
                longPolls, dispatching);
        signal.addListener(dispatcher);
        Preemption preemption = new Preemption(agents, stores.jobs(), stores.ready(), policy, pools, channel, settings, telemetry, clock,
                dispatcher, leases);
        EraseJob eraseJob = new EraseJob(stores.jobs(), stores.mappings(), stores.ready(), clock);
        return new UseCases(
                new SubmitJob(requeue, dispatcher::placeNew, stores.jobs(), pools, tenancy.requireEntitlement(), new JobIdGenerator(clock), telemetry,
                        clock),
                queries,
                new CancelJob(stores.jobs(), stores.ready(), channel, telemetry, clock, stops),
                new RegisterAgent(agents, clock),
                new AgentHeartbeat(agents, stores.jobs(), settings, clock, leases, pushed, pools),
                new LeaseWork(agents, dispatcher, settings, clock, telemetry, longPolls),
                progress,
                new RecordMappings(stores.mappings(), leases, telemetry),
                new FindMappings(stores.mappings(), leases, queries),
                new FinishJob(stores.jobs(), leases, agents, requeue, progress, signal, settings, telemetry, clock, slots),
                new Reconcile(agents, stores.jobs(), stores.ready(), requeue, preemption, signal, settings, telemetry, clock,
                        stores.leases()),
                new AgentAdmin(agents, stores.ready(), stores.tenants(), pools, settings.agentOfflineAfter(), telemetry, clock),
                new SaveCheckpoint(stores.jobs(), leases, clock),
                new ReleaseLease(stores.jobs(), leases, agents, requeue, progress, signal, settings, clock, slots),
                new PauseResume(stores.jobs(), stores.ready(), requeue, channel, settings, clock, stops),
                preemption,
                signal,
                settings,
                eraseJob,
                new TenantData(stores.jobs(), stores.mappings(), stores.ready(), stores.tenants(), agents, pools, clock,
                        stores.leases()),
                new Retention(stores.jobs(), eraseJob, tenancy, clock),
                longPolls,
                dispatcher,
                new ThrottleReports(stores.tenants(), leases, pools, dispatcher, agents.regions(), settings.throttleIncreaseEvery(), clock),
                new TenantOrganisations(stores.tenants(), pools, clock),
                events);
    }

    /** Threads that answer woken long polls (never a wait). */
    private static final int LONG_POLL_THREADS = 8;

    @Override
    public void close() {
        dispatcher.close();
        longPolls.close();
        events.close();
        heartbeat.close();
        reportProgress.close();
    }
}
