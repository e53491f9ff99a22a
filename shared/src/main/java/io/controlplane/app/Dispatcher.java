package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.OfferNote;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.RegionLeadership;
import io.controlplane.scheduling.Matching;
import io.controlplane.scheduling.PoolDirectory;
import io.controlplane.scheduling.Running;
import io.controlplane.scheduling.StartThroughput;
import io.controlplane.scheduling.WaitReasons;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses, on events, which waiting agent gets which ready job; agents never search. Per region it
 * keeps a view in memory: the ready set (tier, age, capabilities, pool-relevant facts and not-before
 * times, so a backed-off job never blocks the head) and the agents whose long polls wait on this
 * instance. The view is read from the tables once, when the region is first needed, then kept by
 * events: a job became ready ({@link ReadySignal#ready}), an agent record changed
 * ({@link ReadySignal#agentChanged}), an agent asks ({@link #waiting}), an intake message from another
 * instance ({@link #intake}), and a tick ({@link #tick}). Matching is the pure
 * {@link Matching#assign}; no storage call is made to decide, only to claim. Cost per event is
 * independent of queue depth and of the fleet.
 *
 * <p>A claim is the conditional write of {@link Claims}: a view gone stale (another instance's
 * dispatcher took the job, an operator drained the agent) loses the write and is corrected from
 * what the write found, so a job is never leased twice. The lease is then offered to the agent:
 * kept here until its poll takes it (a poll parked meanwhile is woken at once), and durable in its
 * agent record (the reservation), so a lease whose offer is never taken expires and is requeued.
 *
 * <p>Work queued by another instance reaches this view through that instance's intake message
 * (whoever receives it), and, as a backstop, through a look every poll interval while agents wait
 * here: the ready heads, and the next page of a sweep round the whole set ({@link #SWEEP_PAGE}).
 */
public final class Dispatcher implements ReadySignal.Listener, RegionLeadership.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /**
     * Ready entries the view compares with the table per look, besides the heads: a sweep that goes
     * round the whole ready set a page per look, so work queued elsewhere deep behind the heads is
     * seen too, at a bounded cost per look whatever the queue's depth.
     */
    static final int SWEEP_PAGE = 200;
    /** Ready entries read per page when a view is loaded. */
    private static final int LOAD_PAGE = 1000;
    /** Jobs kept as stored beside their entries (a claim of one of them needs no read), at most. */
    private static final int MAX_KNOWN_JOBS = 10_000;
    /** Claims per dispatch run at most (the rest at the next run, scheduled at once). */
    private static final int MAX_CLAIMS_PER_RUN = 64;

    private final AgentRecords agents;
    private final JobStore jobs;
    private final ReadyQueue ready;
    private final Claims claims;
    private final Matching matching;
    private final WaitReasons waitReasons;
    private final Pools pools;
    private final DispatchSettings settings;
    private final Clock clock;
    private final Executor background;
    private final LongPolls polls;
    private final Map<String, View> views = new ConcurrentHashMap<>();
    private final Set<String> regions;
    private final ScheduledExecutorService ticks;
    private final RegionLeadership leadership;
    private final DispatchBus bus;
    private final AgentInbox inbox;
    /** The bus subscriptions of the regions this instance leads. */
    private final Map<String, IntakeQueue.Subscription> subscriptions = new ConcurrentHashMap<>();
    /** Told of every event this instance's dispatcher handled as the region's (the host schedules preemption checks). */
    private volatile Consumer<DispatchEvent> handled = e -> { };

    Dispatcher(AgentRecords agents, JobStore jobs, ReadyQueue ready, Claims claims, Matching matching,
               WaitReasons waitReasons, Pools pools, DispatchSettings settings, Clock clock,
               Executor background, LongPolls polls, Dispatching dispatching) {
        this.leadership = dispatching.leadership();
        this.bus = dispatching.bus();
        this.inbox = dispatching.inbox();
        this.agents = agents;
        this.jobs = jobs;
        this.ready = ready;
        this.claims = claims;
        this.matching = matching;
        this.waitReasons = waitReasons;
        this.pools = pools;
        this.settings = settings;
        this.clock = clock;
        this.background = background;
        this.polls = polls;
        this.regions = agents.regions();
        this.ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dispatch-ticks");
            t.setDaemon(true);
            return t;
        });
        regions.forEach(r -> fleets.put(r, new ConcurrentHashMap<>()));
        agents.addListener(this::seen);
        leadership.watch(this);
        inbox.deliverTo(this::offered);
        long period = settings.pollInterval().toMillis();
        ticks.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** A lease offered to an agent and not yet taken by one of its polls. */
    private record Offer(LeaseGrant grant, Instant at) {
    }

    /** One poll of an agent waiting on this instance: until when, and its inbox listening (polls that ask elsewhere). */
    private static final class Asking {
        final Instant until;
        IntakeQueue.Subscription listening;

        Asking(Instant until, IntakeQueue.Subscription listening) {
            this.until = until;
            this.listening = listening;
        }

        void stopListening() {
            if (listening != null) {
                listening.close();
                listening = null;
            }
        }
    }

    /**
     * An agent asking for work: its record as last seen, its place in line, its polls here, and
     * (on the leader) where offers go when its poll waits on another instance.
     */
    private static final class Waiter {
        Agent agent;
        final long since;
        final Map<Object, Asking> polls = new HashMap<>();
        /** Another instance's poll: the address its offers go to, and until when it waits. */
        String replyTo;
        Instant remoteUntil;

        boolean remote(Instant now) {
            return replyTo != null && remoteUntil != null && remoteUntil.isAfter(now);
        }

        Waiter(Agent agent, long since) {
            this.agent = agent;
            this.since = since;
        }
    }

    /** One region's view; everything in it changes under its monitor, on one dispatch run at a time. */
    private final class View {
        final String region;
        final TreeMap<String, ReadyEntry> ready = new TreeMap<>();
        final Map<String, String> keyByJob = new HashMap<>();
        /**
         * Entries this view's claims took or found gone, by key, with when: their rows may still be in
         * the table for a while (the delete runs off the claim's path), so a look at the table must
         * not bring them back. Forgotten after the stale-entry grace.
         */
        final Map<String, Instant> taken = new HashMap<>();
        /** The epochs of the leases this view's claims gave, by tenant and job id (what an intake message names). */
        final Map<String, Long> takenJobs = new HashMap<>();
        /** Jobs as stored when they became ready here, by entry key: hints, dropped when used or stale. */
        final Map<String, Job> known = new HashMap<>();
        final LinkedHashMap<String, Waiter> waiting = new LinkedHashMap<>();
        /** Waiting agents a submission is being claimed for as it is created ({@link #placeNew}): not matched meanwhile. */
        final Set<String> claiming = new HashSet<>();
        final Map<String, ConcurrentLinkedDeque<Offer>> offers = new ConcurrentHashMap<>();
        final Queue<Consumer<View>> events = new ConcurrentLinkedQueue<>();
        final AtomicBoolean scheduled = new AtomicBoolean();
        /** The next scheduled run decides (it follows an event the bus delivered here). */
        volatile boolean mandated;
        volatile boolean loaded;
        /** When the heads were last read ({@link System#nanoTime}: pacing, not domain time). */
        long headsReadAt;
        /** Where the sweep of the ready set goes on from: a tier, and the last key compared (null: its head). */
        int sweepTier;
        String sweptUpTo;
        boolean refreshNow;
        long sequence;

        /** The jobs this view started lately: the queue's drain rate (start estimates). */
        final StartThroughput starts;

        View(String region) {
            this.region = region;
            this.starts = new StartThroughput(clock.instant());
        }

        void put(ReadyEntry entry) {
            String old = keyByJob.put(entry.tenantId() + "|" + entry.jobId(), entry.key());
            if (old != null && !old.equals(entry.key())) {
                ready.remove(old);
            }
            ready.put(entry.key(), entry);
        }

        void drop(ReadyEntry entry) {
            ReadyEntry current = ready.get(entry.key());
            if (current != null && current.jobId().equals(entry.jobId())) {
                ready.remove(entry.key());
                keyByJob.remove(entry.tenantId() + "|" + entry.jobId());
            }
            known.remove(entry.key());
        }

        /** The agent's place in line, made when it first asks; its record as now seen. */
        Waiter waiter(Agent agent) {
            Waiter w = waiting.get(agent.id());
            if (w == null) {
                w = new Waiter(agent, sequence++);
                waiting.put(agent.id(), w);
            } else {
                w.agent = agent;
            }
            return w;
        }

        /** A newer record of an agent that waits here (none: nothing to do). */
        void refresh(Agent agent) {
            Waiter w = waiting.get(agent.id());
            if (w != null) {
                w.agent = agent;
            }
        }

        boolean holds(String tenantId, String jobId) {
            return keyByJob.containsKey(tenantId + "|" + jobId);
        }

        void take(ReadyEntry entry, Instant now, long leaseEpoch) {
            taken.put(entry.key(), now);
            if (leaseEpoch > 0) {
                takenJobs.put(entry.tenantId() + "|" + entry.jobId(), leaseEpoch);
            }
        }

        /** Whether the message announces the job as it was before a lease this view gave (nothing new). */
        boolean announcesTaken(IntakeMessage message) {
            Long leaseEpoch = takenJobs.get(message.tenantId() + "|" + message.jobId());
            return leaseEpoch != null && message.epoch() < leaseEpoch;
        }

        void untake(ReadyEntry entry) {
            taken.remove(entry.key());
            takenJobs.remove(entry.tenantId() + "|" + entry.jobId());
        }

        void forgetTakenBefore(Instant cutoff) {
            taken.values().removeIf(at -> at.isBefore(cutoff));
            if (taken.isEmpty()) {
                takenJobs.clear();
            } else if (takenJobs.size() > 2 * MAX_KNOWN_JOBS) {
                takenJobs.clear(); // a hint only: at worst an intake message costs its reads again
            }
        }
    }

    private View view(String region) {
        return views.computeIfAbsent(region, View::new);
    }

    // ---- the fleet ----------------------------------------------------------------------------

    /** Every agent of a region as last seen on this instance, once read whole (for preemption). */
    private final Map<String, Map<String, Agent>> fleets = new ConcurrentHashMap<>();

    private void seen(Agent agent) {
        Map<String, Agent> fleet = fleets.get(agent.region());
        if (fleet != null) {
            fleet.put(agent.id(), agent);
        }
    }

    /**
     * The region's agents as this instance last read or wrote them, kept by every agent record it
     * reads or writes: registrations, heartbeats (a live agent's record is written at least every
     * other beat), claims, releases and the reconcile sweep's pages. Never read whole (that would be
     * the whole fleet in one burst on the agents partition): an agent not seen here yet is missing
     * until its next heartbeat write. Copies may be stale (written on another instance): whoever
     * acts on one reads the rows it acts on, and writes conditionally.
     */
    public List<Agent> fleet(String region) {
        Map<String, Agent> fleet = fleets.get(region);
        return fleet == null ? List.of() : List.copyOf(fleet.values());
    }

    /**
     * The region's running jobs per tenant and per organisation, from the leases of the agents as
     * this instance last saw them (fair share, organisation limits: {@link Matching#assign}). No
     * storage call.
     */
    Running running(String region) {
        Map<String, Agent> fleet = fleets.get(region);
        if (fleet == null) {
            return Running.none();
        }
        Map<String, Integer> byTenant = new HashMap<>();
        Map<String, Integer> byOrganisation = new HashMap<>();
        Map<String, Integer> byTenantOrganisation = new HashMap<>();
        // Per tenant and organisation only while a tenant limits its own jobs somewhere (a key made per lease).
        boolean tenantLimits = !pools.directory().limitByTenantOrganisation().isEmpty();
        for (Agent agent : fleet.values()) {
            for (AgentLease lease : agent.leases()) {
                byTenant.merge(lease.tenantId(), 1, Integer::sum);
                for (String o : lease.organisations()) {
                    byOrganisation.merge(o, 1, Integer::sum);
                    if (tenantLimits) {
                        byTenantOrganisation.merge(Running.tenantOrganisation(lease.tenantId(), o), 1,
                                Integer::sum);
                    }
                }
            }
        }
        return new Running(byTenant, byOrganisation, byTenantOrganisation);
    }

    /**
     * Why a queued job is not running now ({@link io.controlplane.scheduling.WaitReasons}), as the
     * region's dispatcher sees it: from its view where it runs here (no storage call), else from
     * the job's ready entry and the heads of the region's queue (four reads) and the agents this
     * instance has seen. Empty for a job that is not queued.
     */
    public Optional<WaitReasons.Waiting> whyWaiting(Job job) {
        if (job.state() != JobState.Queued || !regions.contains(job.spec().region())) {
            return Optional.empty();
        }
        String region = job.spec().region();
        Instant now = clock.instant();
        ReadyEntry probe = ReadyEntry.of(job, null, now);
        View view = views.get(region);
        ReadyEntry entry = null;
        Collection<ReadyEntry> known = null;
        if (view != null && view.loaded && dispatches(region)) {
            synchronized (view) {
                drain(view);
                entry = view.ready.get(probe.key());
                known = List.copyOf(view.ready.values());
            }
        }
        boolean local = known != null;
        if (known == null) {
            entry = ready.find(region, probe.key()).orElse(null);
            known = ready.heads(region, settings.headsPerTier());
        }
        return Optional.of(waitReasons.explain(entry == null ? probe : entry, known, fleet(region), local, pools.directory(),
                running(region), now));
    }

    /**
     * The jobs a minute the region's dispatcher started over the last quarter hour, when it runs
     * here and has seen enough starts ({@link StartThroughput}); no storage call.
     */
    public Optional<StartThroughput.Rate> startRate(String region) {
        View view = views.get(region);
        if (view == null || !view.loaded || !dispatches(region)) {
            return Optional.empty();
        }
        return view.starts.rate(clock.instant());
    }

    /** The clock the dispatcher decides by. */
    Clock clock() {
        return clock;
    }

    /**
     * The Platinum and Premium jobs this instance's view holds, up to {@code perTier} of each from
     * the head; empty when the region's view is not loaded here (then read the heads).
     */
    public Optional<List<ReadyEntry>> higherTierHeads(String region, int perTier) {
        View view = views.get(region);
        if (view == null || !view.loaded) {
            return Optional.empty();
        }
        synchronized (view) {
            drain(view); // what became ready here and is not yet applied (its run may be queued)
            List<ReadyEntry> heads = new ArrayList<>();
            for (Tier tier : new Tier[] {Tier.Platinum, Tier.Premium}) {
                String prefix = ReadyEntry.keyPrefix(tier);
                view.ready.subMap(prefix, true, prefix + "\uffff", true).values().stream().limit(perTier).forEach(heads::add);
            }
            return Optional.of(heads);
        }
    }

    // ---- events -------------------------------------------------------------------------------

    /** Whether this instance's dispatcher decides for the region now (it leads it). */
    public boolean dispatches(String region) {
        return leadership.leads(region);
    }

    @Override
    public void ready(ReadyEntry stored, Job queued) {
        if (!regions.contains(stored.region()) || !dispatches(stored.region())) {
            return; // elsewhere: the job's intake message reaches the region's dispatcher ({@link #intake})
        }
        View view = view(stored.region());
        view.events.add(v -> {
            v.untake(stored); // back in the queue (same key): no longer taken
            v.put(stored);
            if (queued != null && v.known.size() < MAX_KNOWN_JOBS) {
                v.known.put(stored.key(), queued);
            }
        });
        schedule(view, false);
    }

    @Override
    public void agent(Agent stored) {
        if (regions.contains(stored.region()) && !dispatches(stored.region())) {
            // A slot freed here: the region's dispatcher may have the agent waiting.
            bus.send(new DispatchEvent.AgentChanged(stored.region(), stored.id(), stored.etag()));
            return;
        }
        View view = views.get(stored.region());
        if (view == null) {
            return;
        }
        view.events.add(v -> v.refresh(stored));
        schedule(view, false);
    }

    /**
     * An organisation touched by a job of {@code region} asked for a back-off, reported (and stored)
     * here: the region's dispatcher, here or elsewhere, stops starting jobs against it.
     */
    public void throttled(String region, String organisation, Instant until) {
        if (!regions.contains(region)) {
            return;
        }
        if (!dispatches(region)) {
            bus.send(new DispatchEvent.Throttled(region, organisation, until));
            return;
        }
        View view = views.get(region);
        if (view != null) {
            schedule(view, false);
        }
    }

    @Override
    public void changed(String region) {
        View view = views.get(region);
        if (view == null) {
            return;
        }
        view.events.add(v -> v.refreshNow = true);
        schedule(view, false);
    }

    /**
     * An intake message (published by this or another instance): a job became ready in a region. A
     * job this view does not hold is looked up (its row, then its entry), so work queued elsewhere
     * is seen at once, even deep behind jobs nobody here may take.
     */
    public boolean intake(IntakeMessage message) {
        if (!regions.contains(message.region())) {
            return false;
        }
        if (!dispatches(message.region())) {
            bus.send(DispatchEvent.Ready.of(message)); // to the region's dispatcher
            return false;
        }
        learn(message);
        return true;
    }

    /** The region's dispatcher hears of a job queued (here or elsewhere). */
    private void learn(IntakeMessage message) {
        View view = views.get(message.region());
        if (view == null || !view.loaded) {
            return; // read whole when first needed
        }
        view.events.add(v -> {
            if (v.holds(message.tenantId(), message.jobId()) || v.announcesTaken(message)) {
                return; // known here already, or just leased here (this instance's own message, echoed or delivered back)
            }
            jobs.find(message.tenantId(), message.jobId()).filter(j -> j.state() == JobState.Queued)
                    .flatMap(j -> ready.find(v.region, ReadyEntry.of(j, null, clock.instant()).key()))
                    .ifPresent(v::put);
        });
        schedule(view, leadership.eventsLead());
    }

    /**
     * An agent asks for work ({@code poll} identifies the asking poll): it joins the region's
     * waiting line and one dispatch run is made now, on the caller's thread, so an offer it can take
     * is ready when this returns ({@link #takeOffer}).
     */
    public void waiting(Agent agent, Object poll, Instant until) {
        View view = view(agent.region());
        boolean here = dispatches(agent.region());
        // A poll whose region is decided elsewhere listens for its offers (Service Bus: the agent's session).
        Asking asking = new Asking(until, here ? null : inbox.listen(agent.id()));
        view.events.add(v -> v.waiter(agent).polls.put(poll, asking));
        if (here) {
            run(view, false);
            return;
        }
        synchronized (view) {
            drain(view);
        }
        bus.send(new DispatchEvent.Asks(agent.region(), agent.id(), agent.etag(),
                inbox.replyTo(agent.id()), until));
    }

    /** The poll stopped asking (answered, timed out, gone). */
    public void stoppedWaiting(String region, String agentId, Object poll) {
        View view = views.get(region);
        if (view == null) {
            return;
        }
        view.events.add(v -> {
            Waiter w = v.waiting.get(agentId);
            Asking asking = w == null ? null : w.polls.remove(poll);
            if (asking != null) {
                asking.stopListening();
                if (w.polls.isEmpty() && !w.remote(clock.instant())) {
                    v.waiting.remove(agentId);
                }
            }
        });
        schedule(view, false);
    }

    /** The oldest lease offered to the agent and not yet taken, if any (taking it removes it). */
    public Optional<LeaseGrant> takeOffer(String region, String agentId) {
        View view = views.get(region);
        ConcurrentLinkedDeque<Offer> offered = view == null ? null : view.offers.get(agentId);
        Offer offer = offered == null ? null : offered.pollFirst();
        return Optional.ofNullable(offer).map(Offer::grant);
    }

    /** Puts back an offer a poll took but could not hand over (its caller was gone). */
    void giveBack(String region, String agentId, LeaseGrant grant) {
        view(region).offers.computeIfAbsent(agentId, k -> new ConcurrentLinkedDeque<>()).addFirst(new Offer(grant, clock.instant()));
    }

    /** The timer: regions with waiting agents are looked at again (back-offs ending, work queued elsewhere). */
    void tick() {
        for (View view : views.values()) {
            if (!dispatches(view.region)) {
                continue;
            }
            synchronized (view) {
                if (view.waiting.isEmpty() && view.offers.values().stream().allMatch(Collection::isEmpty)) {
                    continue;
                }
            }
            schedule(view, false);
        }
    }

    // ---- across instances ---------------------------------------------------------------------

    /**
     * An event for the region's dispatcher, from the bus: the standalone leader's subscription, or
     * (Functions) the session-triggered function, which handles a region's events one at a time and
     * so decides for the region while it handles one.
     */
    public void handle(DispatchEvent event) {
        if (!regions.contains(event.region())) {
            return;
        }
        boolean mandated = leadership.eventsLead();
        if (!mandated && !dispatches(event.region())) {
            // No longer the region's (a late delivery after a handover): on to whoever leads it now.
            bus.send(event);
            return;
        }
        View view = view(event.region());
        if (event instanceof DispatchEvent.Asks asks) {
            Optional<Agent> agent = agents.atLeast(asks.region(), asks.agentId(), asks.agentEtag());
            if (agent.isEmpty()) {
                return; // unregistered meanwhile
            }
            view.events.add(v -> {
                Waiter w = v.waiter(agent.get());
                w.replyTo = asks.replyTo();
                w.remoteUntil = asks.until();
            });
            run(view, mandated);
        } else if (event instanceof DispatchEvent.Ready r) {
            learn(r.message());
            schedule(view, mandated);
        } else if (event instanceof DispatchEvent.AgentChanged changed) {
            boolean waits;
            synchronized (view) {
                drain(view);
                Waiter w = view.waiting.get(changed.agentId());
                waits = w != null && (w.agent.etag() == null || !w.agent.etag().equals(changed.agentEtag()));
            }
            if (waits) {
                agents.atLeast(changed.region(), changed.agentId(), changed.agentEtag())
                        .ifPresent(a -> view.events.add(v -> v.refresh(a)));
            }
            schedule(view, mandated);
        } else if (event instanceof DispatchEvent.Throttled) {
            pools.invalidate(); // the throttle as stored is read with the next look
            schedule(view, mandated);
        } else {
            schedule(view, mandated); // a tick
        }
        handled.accept(event);
    }

    /** Who hears of each event this instance's dispatcher handled as the region's (once, at start). */
    public void onHandled(Consumer<DispatchEvent> hook) {
        this.handled = Objects.requireNonNull(hook);
    }

    /** An offer from the region's dispatcher on another instance, for an agent whose poll waits here. */
    private void offered(OfferNote note) {
        if (!regions.contains(note.region())) {
            return;
        }
        Optional<LeaseGrant> grant;
        try {
            grant = claims.delivered(note);
        } catch (RuntimeException e) {
            // Unread: the lease expires unused and its job is requeued.
            LOG.warn("event=offer_unread region={} agentId={} jobId={} tenant={} error={}", note.region(), note.agentId(),
                    note.jobId(), note.tenantId(), e.toString());
            return;
        }
        grant.ifPresent(g -> {
            view(note.region()).offers.computeIfAbsent(note.agentId(), k -> new ConcurrentLinkedDeque<>())
                    .add(new Offer(g, clock.instant()));
            polls.wake(note.region(), note.agentId());
        });
    }

    @Override
    public void gained(String region) {
        if (!regions.contains(region)) {
            return;
        }
        View view = view(region);
        synchronized (view) {
            drain(view);
            forgetReady(view); // read afresh: another instance decided meanwhile
            for (Waiter w : view.waiting.values()) {
                w.polls.values().forEach(Asking::stopListening); // offers to them are made here now
            }
        }
        subscriptions.computeIfAbsent(region, r -> bus.subscribe(r, this::handle));
        LOG.info("event=dispatch_leader_gained region={}", region);
        schedule(view, false);
    }

    @Override
    public void lost(String region) {
        IntakeQueue.Subscription subscription = subscriptions.remove(region);
        if (subscription != null) {
            subscription.close();
        }
        View view = views.get(region);
        LOG.info("event=dispatch_leader_lost region={}", region);
        if (view != null) {
            synchronized (view) {
                drain(view);
                forgetReady(view);
                view.waiting.values().removeIf(w -> {
                    w.replyTo = null;
                    w.remoteUntil = null;
                    return w.polls.isEmpty();
                });
            }
            askAgain(view);
        }
    }

    @Override
    public void holderChanged(String region) {
        View view = views.get(region);
        if (view != null && !dispatches(region)) {
            askAgain(view);
        }
    }

    private static void forgetReady(View view) {
        view.ready.clear();
        view.keyByJob.clear();
        view.known.clear();
        view.loaded = false;
    }

    /** The polls waiting here ask the region's (new) dispatcher, wherever it runs. */
    private void askAgain(View view) {
        List<DispatchEvent.Asks> asks = new ArrayList<>();
        Instant now = clock.instant();
        synchronized (view) {
            for (Waiter w : view.waiting.values()) {
                Instant until = null;
                for (Asking a : w.polls.values()) {
                    if (a.listening == null) {
                        a.listening = inbox.listen(w.agent.id());
                    }
                    until = until == null || a.until.isAfter(until) ? a.until : until;
                }
                if (until != null && until.isAfter(now)) {
                    asks.add(new DispatchEvent.Asks(view.region, w.agent.id(), w.agent.etag(),
                            inbox.replyTo(w.agent.id()), until));
                }
            }
        }
        asks.forEach(bus::send);
    }

    // ---- runs ---------------------------------------------------------------------------------

    private void schedule(View view, boolean mandated) {
        if (mandated) {
            view.mandated = true;
        }
        if (!view.scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                view.scheduled.set(false);
                boolean m = view.mandated;
                view.mandated = false;
                run(view, m);
            });
        } catch (RejectedExecutionException closing) {
            view.scheduled.set(false);
        }
    }

    /**
     * One dispatch run: the events so far applied, the view refreshed if due, then claims for what
     * matches. Only where the region is decided ({@code mandated}: on the events the bus delivered to
     * this instance, Functions); elsewhere the events are applied and nothing is decided.
     */
    private void run(View view, boolean mandated) {
        List<String> woken = new ArrayList<>();
        List<Runnable> posts = new ArrayList<>();
        boolean more = false;
        boolean deciding = mandated || dispatches(view.region);
        synchronized (view) {
            try {
                Instant now = clock.instant();
                if (!deciding) {
                    drain(view);
                    expireOffers(view, now);
                    return;
                }
                if (!view.loaded) {
                    load(view, now);
                }
                drain(view);
                if (!view.waiting.isEmpty()) {
                    refreshIfDue(view, now);
                }
                expireOffers(view, now);
                view.waiting.values().removeIf(w -> w.polls.isEmpty() && !w.remote(now));
                more = dispatch(view, now, woken, posts);
            } catch (RuntimeException e) {
                LOG.warn("event=dispatch_failed region={} error={}", view.region, e.toString());
            }
        }
        woken.forEach(agentId -> polls.wake(view.region, agentId));
        posts.forEach(Runnable::run);
        if (more) {
            schedule(view, mandated);
        }
    }

    /** Applies the events recorded so far (under the view's monitor). */
    private static void drain(View view) {
        for (Consumer<View> event; (event = view.events.poll()) != null; ) {
            event.accept(view);
        }
    }

    /** Matches and claims; true when it stopped at its claim budget with more to do. */
    private boolean dispatch(View view, Instant now, List<String> woken, List<Runnable> posts) {
        int claimed = 0;
        // Round after round while claims change what the view holds (a job gone, an agent changed),
        // within the run's claim budget.
        while (!view.waiting.isEmpty()) {
            resolveHolds(view, now);
            if (view.ready.isEmpty()) {
                return false;
            }
            List<Agent> waiting = available(view);
            PoolDirectory directory = pools.directory();
            List<Matching.Assignment> assignments = matching.assign(view.ready.values(), waiting, directory, now,
                    MAX_CLAIMS_PER_RUN - claimed, running(view.region));
            if (assignments.isEmpty()) {
                return false;
            }
            boolean changed = false;
            for (Claimed c : claimAll(view, assignments, now)) {
                claimed++;
                if (c.failure() != null) {
                    LOG.warn("event=dispatch_claim_failed region={} agentId={} jobId={} tenant={} error={}", view.region,
                            c.assignment().agent().id(), c.assignment().entry().jobId(), c.assignment().entry().tenantId(),
                            c.failure().toString());
                    changed = true;
                    continue;
                }
                Claims.Claim claim = c.claim();
                String agentId = c.assignment().agent().id();
                afterClaim(view, agentId, claim);
                switch (claim.outcome()) {
                    case LEASED -> {
                        LeaseGrant grant = claim.grant().orElseThrow();
                        view.take(c.assignment().entry(), now, grant.epoch());
                        view.drop(c.assignment().entry());
                        offer(view, agentId, grant, now, woken, posts);
                    }
                    case JOB_GONE -> {
                        view.take(c.assignment().entry(), now, 0);
                        view.drop(c.assignment().entry());
                        changed = true;
                    }
                    case AGENT_CHANGED, JOB_CHANGED -> changed = true;
                }
            }
            if (claimed >= MAX_CLAIMS_PER_RUN) {
                return true;
            }
            if (!changed) {
                return false;
            }
        }
        return false;
    }

    /** The waiter's record as the claim left it (the agent gone: it waits no more). */
    private static void afterClaim(View view, String agentId, Claims.Claim claim) {
        Waiter waiter = view.waiting.get(agentId);
        if (waiter == null) {
            return;
        }
        if (claim.agent() != null) {
            waiter.agent = claim.agent();
        } else {
            view.waiting.remove(agentId); // unregistered meanwhile
        }
    }

    /**
     * The lease goes to the agent's poll: one waiting here is woken to take it; one waiting on
     * another instance gets it posted there (the poll it answers asks again for more).
     */
    private void offer(View view, String agentId, LeaseGrant grant, Instant now, List<String> woken, List<Runnable> posts) {
        view.starts.started(now);
        Waiter w = view.waiting.get(agentId);
        if (w != null && w.polls.isEmpty() && w.remote(now)) {
            String replyTo = w.replyTo;
            OfferNote note = new OfferNote(view.region, agentId,
                    grant.job().tenantId(), grant.job().id(), grant.leaseId(), grant.epoch(), grant.expiresAt());
            posts.add(() -> inbox.post(replyTo, note));
            view.waiting.remove(agentId);
        } else {
            view.offers.computeIfAbsent(agentId, k -> new ConcurrentLinkedDeque<>()).add(new Offer(grant, now));
            woken.add(agentId);
        }
    }

    /**
     * A job being submitted on this instance, claimed as it is created when this instance decides
     * its region and a waiting agent would be given it now: the same matching as a dispatch run,
     * over the view's ready set with the new job in it. The agent's slot is reserved, then
     * {@code create} stores the job Assigned ({@link Claims#claimNew}): no ready entry, no claim
     * after it, so the agent holds the lease two storage round trips after the request came in.
     * Empty when it is not placed so (no waiting agent would take it, the region is decided
     * elsewhere or not loaded here, or the agent changed meanwhile): nothing was stored, and the
     * job is submitted to its ready queue as usual. A refused creation (quota, a reused key) is
     * rethrown with the slot given back.
     */
    public Optional<Job> placeNew(Job.Transition submitted,
                                  BiFunction<Job, List<HistoryEntry>, Job> create) {
        String region = submitted.job().spec().region();
        View view = views.get(region);
        if (!regions.contains(region) || view == null || !view.loaded || !dispatches(region)) {
            return Optional.empty();
        }
        Agent agent;
        Instant now;
        synchronized (view) {
            drain(view);
            now = clock.instant();
            view.waiting.values().removeIf(w -> w.polls.isEmpty() && !w.remote(now));
            List<Agent> waiting = available(view);
            if (waiting.isEmpty()) {
                return Optional.empty();
            }
            ReadyEntry entry = ReadyEntry.of(submitted.job(), null, now);
            List<ReadyEntry> ready = new ArrayList<>(view.ready.values());
            ready.add(entry);
            Optional<Agent> chosen = matching.assign(ready, waiting, pools.directory(), now, MAX_CLAIMS_PER_RUN,
                    running(region)).stream()
                    .filter(a -> a.entry() == entry).map(Matching.Assignment::agent).findFirst();
            if (chosen.isEmpty()) {
                return Optional.empty();
            }
            agent = chosen.get();
            // Spoken for until its claim is made: no run or other submission matches it meanwhile,
            // and the writes go outside the monitor (submissions and runs go on beside them).
            view.claiming.add(agent.id());
        }
        List<String> woken = new ArrayList<>();
        List<Runnable> posts = new ArrayList<>();
        Claims.Claim claim = null;
        try {
            // Refused (rethrown): the slot was given back, so the waiter's copy is stale and its
            // next claim meets a conflict and reads the record afresh.
            claim = claims.claimNew(agent, submitted, create, now);
            return Optional.ofNullable(claim.outcome() == Claims.Outcome.LEASED ? claim.grant().orElseThrow().job() : null);
        } finally {
            synchronized (view) {
                view.claiming.remove(agent.id());
                if (claim != null) {
                    afterClaim(view, agent.id(), claim);
                }
                if (claim != null && claim.outcome() == Claims.Outcome.LEASED) {
                    offer(view, agent.id(), claim.grant().orElseThrow(), now, woken, posts);
                }
            }
            woken.forEach(agentId -> polls.wake(region, agentId));
            posts.forEach(Runnable::run);
            if (claim == null || claim.outcome() != Claims.Outcome.LEASED) {
                schedule(view, false); // the agent is free to match again
            }
        }
    }

    /** The waiting agents a match may use: those without a claim at creation in flight. */
    private static List<Agent> available(View view) {
        return view.waiting.values().stream().map(w -> w.agent).filter(a -> !view.claiming.contains(a.id())).toList();
    }

    /** A claim made for an assignment, or why it could not be made. */
    private record Claimed(Matching.Assignment assignment, Claims.Claim claim, RuntimeException failure) {
    }

    /**
     * Makes the claims of one match round: those of different agents at once (independent writes),
     * those of one agent one after another (each on the record the previous one left). The decisions
     * were made in one place; only the writes go side by side.
     */
    private List<Claimed> claimAll(View view, List<Matching.Assignment> assignments, Instant now) {
        Map<String, List<Matching.Assignment>> byAgent = new LinkedHashMap<>();
        Map<String, Job> hints = new HashMap<>();
        for (Matching.Assignment a : assignments) {
            byAgent.computeIfAbsent(a.agent().id(), k -> new ArrayList<>()).add(a);
            Job known = view.known.remove(a.entry().key());
            if (known != null) {
                hints.put(a.entry().key(), known);
            }
        }
        List<CompletableFuture<List<Claimed>>> running = new ArrayList<>();
        for (List<Matching.Assignment> ofAgent : byAgent.values()) {
            running.add(CompletableFuture.supplyAsync(() -> {
                List<Claimed> done = new ArrayList<>();
                Agent agent = ofAgent.get(0).agent();
                for (Matching.Assignment a : ofAgent) {
                    if (agent == null) {
                        break;
                    }
                    try {
                        Claims.Claim claim = claims.claim(agent, a.entry(), hints.get(a.entry().key()), now);
                        done.add(new Claimed(a, claim, null));
                        agent = claim.agent();
                    } catch (RuntimeException e) {
                        done.add(new Claimed(a, null, e));
                        break;
                    }
                }
                return done;
            }, byAgent.size() == 1 ? Runnable::run : CLAIMING));
        }
        List<Claimed> all = new ArrayList<>();
        running.forEach(f -> all.addAll(f.join()));
        return all;
    }

    /**
     * Where the claims of different agents run side by side: a thread while one is free, else the
     * dispatching thread itself (so a run never waits for a thread).
     */
    private static final Executor CLAIMING = SideBySide.executor("dispatch-claims", 16);

    /** Reads the region's whole ready set (once, when the region is first needed here). */
    private void load(View view, Instant now) {
        TreeMap<String, ReadyEntry> all = new TreeMap<>();
        for (Tier tier : Tier.values()) {
            String after = null;
            while (true) {
                List<ReadyEntry> page = ready.page(view.region, tier, after, LOAD_PAGE);
                page.forEach(e -> all.put(e.key(), e));
                if (page.size() < LOAD_PAGE) {
                    break;
                }
                after = page.get(page.size() - 1).key();
            }
        }
        view.ready.clear();
        view.keyByJob.clear();
        view.known.clear();
        all.values().forEach(view::put);
        view.loaded = true;
        view.headsReadAt = System.nanoTime();
        view.refreshNow = false;
    }

    /**
     * While agents wait here, every poll interval: the heads of each tier (work another instance
     * queued, whose intake message went elsewhere) and the next page of the sweep round the whole
     * set, each compared with what the view holds of that key range.
     */
    private void refreshIfDue(View view, Instant now) {
        long at = System.nanoTime();
        if (!view.refreshNow && at - view.headsReadAt < settings.pollInterval().toNanos()) {
            return;
        }
        view.refreshNow = false;
        view.headsReadAt = at;
        int perTier = settings.headsPerTier();
        List<ReadyEntry> heads = ready.heads(view.region, perTier);
        for (Tier tier : Tier.values()) {
            List<ReadyEntry> ofTier = heads.stream().filter(e -> e.tier() == tier).toList();
            compare(view, tier, null, ofTier, ofTier.size() >= perTier, now);
        }
        Tier tier = Tier.values()[view.sweepTier];
        List<ReadyEntry> page = ready.page(view.region, tier, view.sweptUpTo, SWEEP_PAGE);
        boolean full = page.size() >= SWEEP_PAGE;
        compare(view, tier, view.sweptUpTo, page, full, now);
        if (full) {
            view.sweptUpTo = page.get(page.size() - 1).key();
        } else {
            view.sweptUpTo = null;
            view.sweepTier = (view.sweepTier + 1) % Tier.values().length;
        }
    }

    /**
     * Makes the view agree with what was read of one tier after {@code afterKey} (null: from its
     * head): up to the last key read when {@code full} (more follow), else to the tier's end. An entry
     * the view holds there and the table no longer does was taken or removed elsewhere, unless it
     * is younger than a poll interval (written after the read began).
     */
    private void compare(View view, Tier tier, String afterKey, List<ReadyEntry> read, boolean full, Instant now) {
        String prefix = ReadyEntry.keyPrefix(tier);
        String from = afterKey == null ? prefix : afterKey;
        String to = full ? read.get(read.size() - 1).key() : prefix + "\uffff";
        Set<String> seen = new HashSet<>();
        read.forEach(e -> seen.add(e.key()));
        List<ReadyEntry> gone = view.ready.subMap(from, afterKey == null, to, true).values().stream()
                .filter(e -> !seen.contains(e.key()))
                .filter(e -> e.insertedAt() == null || e.insertedAt().isBefore(now.minus(settings.pollInterval())))
                .toList();
        gone.forEach(view::drop);
        view.forgetTakenBefore(now.minus(settings.staleEntryGrace()));
        read.stream().filter(e -> !view.taken.containsKey(e.key())).forEach(view::put);
    }

    /**
     * A waiting agent held for a job (its slot was freed by preemption for it) takes only that job:
     * one the view lacks is looked up, and a hold whose job is no longer queued is cleared.
     */
    private void resolveHolds(View view, Instant now) {
        for (Waiter w : List.copyOf(view.waiting.values())) {
            Optional<Agent.Hold> hold = w.agent.hold(now);
            if (hold.isEmpty() && w.agent.heldFor() == null || hold.isPresent() && view.holds(hold.get().tenantId(), hold.get().jobId())) {
                continue;
            }
            Optional<Job> held = hold.flatMap(h -> jobs.find(h.tenantId(), h.jobId())).filter(j -> j.state() == JobState.Queued);
            if (held.isPresent()) {
                view.put(ReadyEntry.of(held.get(), null, now));
                continue;
            }
            Agent.Hold seen = w.agent.heldFor();
            try {
                w.agent = agents.modify(agents.store().find(view.region, w.agent.id()).orElse(w.agent),
                        a -> a.heldFor() != null && a.heldFor().equals(seen) ? a.withHold(null) : a);
            } catch (RuntimeException e) {
                LOG.warn("event=hold_clear_failed region={} agentId={} error={}", view.region, w.agent.id(), e.toString());
            }
        }
    }

    /** An offer no poll took within a lease's length is forgotten: its lease expires and the job is requeued. */
    private void expireOffers(View view, Instant now) {
        Instant cutoff = now.minus(settings.leaseDuration());
        view.offers.values().forEach(q -> q.removeIf(o -> o.at().isBefore(cutoff)));
        view.offers.values().removeIf(Collection::isEmpty);
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        subscriptions.values().forEach(IntakeQueue.Subscription::close);
        subscriptions.clear();
    }
}
