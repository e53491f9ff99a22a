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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Every use case, wired from the ports in one place ({@link #builder}), for the hosts (through
 * {@code io.controlplane.ControlPlane}) and for tests alike. The components are the application's
 * surface: the use cases the API and the hosts call, and the parts they read ({@code
 * dispatchSettings}, {@code events}); the helpers the use cases share are package-private.
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
        DispatchSettings dispatchSettings,
        EraseJob eraseJob,
        TenantData tenantData,
        Retention retention,
        LongPolls longPolls,
        Dispatcher dispatcher,
        ThrottleReports throttleReports,
        TenantOrganisations tenantOrganisations,
        JobEvents events,
        LocalDispatch localDispatch,
        ReconcilePass reconcilePass) implements AutoCloseable {

    /** The stores a control plane runs on. */
    public record Stores(JobStore jobs, AgentStore agents, ReadyQueue ready, TenantStore tenants, MappingStore mappings,
                         LeaseExpiries leases) {
    }

    /**
     * How to wire the use cases: the stores, the intake queue and the served regions, then what has
     * a default ({@link Builder}).
     */
    public static Builder builder(Stores stores, IntakeQueue intake, Set<String> regions) {
        return new Builder(stores, intake, regions);
    }

    /** The parts besides the stores, each with its default; {@link #build()} wires them. */
    public static final class Builder {
        private final Stores stores;
        private final IntakeQueue intake;
        private final Set<String> regions;
        private DispatchSettings settings = DispatchSettings.defaults();
        private TenancySettings tenancy = TenancySettings.defaults();
        private Clock clock = Clock.systemUTC();
        private Executor background = Runnable::run;
        private AgentChannel channel = AgentChannel.none();
        private Telemetry telemetry = Telemetry.noop();
        private Dispatching dispatching = Dispatching.solo();
        private boolean echoIntake;

        private Builder(Stores stores, IntakeQueue intake, Set<String> regions) {
            this.stores = Objects.requireNonNull(stores, "stores");
            this.intake = Objects.requireNonNull(intake, "intake");
            this.regions = Set.copyOf(regions);
        }

        /** Leases, heartbeats, dispatch and preemption; default {@link DispatchSettings#defaults()}. */
        public Builder dispatch(DispatchSettings value) {
            this.settings = Objects.requireNonNull(value);
            return this;
        }

        /** Entitlement admission and the retention of finished jobs; default {@link TenancySettings#defaults()}. */
        public Builder tenancy(TenancySettings value) {
            this.tenancy = Objects.requireNonNull(value);
            return this;
        }

        /** Default the system clock. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Runs work that need not hold up the caller: deleting a claimed job's ready entry (claims
         * skip stale entries anyway) and publishing intake messages (the ready entry is already
         * stored; the message only wakes other instances). Default: the caller's thread.
         */
        public Builder background(Executor value) {
            this.background = Objects.requireNonNull(value);
            return this;
        }

        /** Pushes commands to agents at once (heartbeats carry them too); default none. */
        public Builder channel(AgentChannel value) {
            this.channel = Objects.requireNonNull(value);
            return this;
        }

        /** Spans of dispatch, reconcile and preemption, and the job metrics; default none. */
        public Builder telemetry(Telemetry value) {
            this.telemetry = Objects.requireNonNull(value);
            return this;
        }

        /** Who leads each region's dispatch, and how events and offers cross instances; default {@link Dispatching#solo()}. */
        public Builder dispatching(Dispatching value) {
            this.dispatching = Objects.requireNonNull(value);
            return this;
        }

        /**
         * A running instance's wiring (what the hosts use): what it publishes to the intake queue it
         * also handles itself at once, and the Platinum or Premium jobs it places get preemption
         * checks on a timer ({@link LocalDispatch}). Off by default: tests drive both by hand.
         */
        public Builder echoIntake(boolean value) {
            this.echoIntake = value;
            return this;
        }

        public UseCases build() {
            return wire(this);
        }
    }

    private static UseCases wire(Builder b) {
        DispatchSettings settings = b.settings;
        Clock clock = b.clock;
        Executor background = b.background;
        Telemetry telemetry = b.telemetry;
        Set<String> regions = b.regions;
        // Every committed job write publishes its state changes and checkpoints to the watchers.
        JobEvents events = new JobEvents();
        Stores stores = new Stores(new PublishingJobStore(b.stores.jobs(), events), b.stores.agents(), b.stores.ready(),
                b.stores.tenants(), b.stores.mappings(), b.stores.leases());
        ReadySignal signal = new ReadySignal();
        // Parked long polls, woken by the dispatcher when it offers their agent a lease.
        LongPolls longPolls = new LongPolls(LONG_POLL_THREADS);
        AgentRecords agents = new AgentRecords(stores.agents(), regions);
        // Heartbeats that wait for a stop parked apart from lease polls; every command pushed here
        // wakes them, then goes on to the deployment's channel.
        PushedCommands pushed = new PushedCommands(new LongPolls(2), b.channel);
        AgentChannel channel = pushed;
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
                longPolls, b.dispatching);
        signal.addListener(dispatcher);
        Preemption preemption = new Preemption(agents, stores.jobs(), stores.ready(), policy, pools, channel, settings, telemetry, clock,
                dispatcher, leases);
        LocalDispatch local = new LocalDispatch(regions, dispatcher, preemption, settings);
        IntakeQueue intake = b.echoIntake ? local.echoing(b.intake) : b.intake;
        Requeue requeue = new Requeue(stores.jobs(), stores.ready(), intake, signal, clock, background);
        LeaseEnd ends = new LeaseEnd(stores.jobs(), leases, requeue, progress, slots, clock);
        EraseJob eraseJob = new EraseJob(stores.jobs(), stores.mappings(), stores.ready(), clock);
        Reconcile reconcile = new Reconcile(agents, stores.jobs(), stores.ready(), requeue, preemption, signal, settings,
                telemetry, clock, stores.leases());
        Retention retention = new Retention(stores.jobs(), eraseJob, b.tenancy, clock);
        return new UseCases(
                new SubmitJob(requeue, dispatcher::placeNew, stores.jobs(), pools, b.tenancy.requireEntitlement(),
                        new JobIdGenerator(clock), telemetry, clock),
                queries,
                new CancelJob(stores.jobs(), stores.ready(), channel, telemetry, clock, stops),
                new RegisterAgent(agents, clock),
                new AgentHeartbeat(agents, stores.jobs(), settings, clock, leases, pushed, pools),
                new LeaseWork(agents, dispatcher, settings, clock, telemetry, longPolls),
                progress,
                new RecordMappings(stores.mappings(), leases, telemetry),
                new FindMappings(stores.mappings(), leases, queries),
                new FinishJob(ends, settings, telemetry),
                reconcile,
                new AgentAdmin(agents, stores.ready(), stores.tenants(), pools, settings.agentOfflineAfter(), telemetry, clock),
                new SaveCheckpoint(stores.jobs(), leases, clock),
                new ReleaseLease(ends),
                new PauseResume(stores.jobs(), stores.ready(), requeue, channel, settings, clock, stops),
                preemption,
                settings,
                eraseJob,
                new TenantData(stores.jobs(), stores.mappings(), stores.ready(), stores.tenants(), agents, pools, clock,
                        stores.leases()),
                retention,
                longPolls,
                dispatcher,
                new ThrottleReports(stores.tenants(), leases, pools, dispatcher, agents.regions(),
                        settings.throttleIncreaseEvery(), clock),
                new TenantOrganisations(stores.tenants(), pools, clock),
                events,
                local,
                new ReconcilePass(regions, b.dispatching, reconcile, retention, clock));
    }

    /** Threads that answer woken long polls (never a wait). */
    private static final int LONG_POLL_THREADS = 8;

    /**
     * The first step of an instance's stop: every parked long poll and heartbeat wait is answered
     * at once and new ones do not wait, and every event stream ends.
     */
    public void stopWaiting() {
        longPolls.stop();
        events.stop();
        heartbeat.stopWaiting();
    }

    /** Stops the timers and the threads the use cases hold; what was published is sent before this returns. */
    @Override
    public void close() {
        localDispatch.close();
        dispatcher.close();
        longPolls.close();
        events.close();
        heartbeat.close();
        reportProgress.close();
        localDispatch.drain();
    }
}
