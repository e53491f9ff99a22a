package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.RegionLeadership;
import io.controlplane.scheduling.Matching;
import io.controlplane.scheduling.Running;
import io.controlplane.scheduling.StartThroughput;
import io.controlplane.scheduling.WaitReasons;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;

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
 * here: the ready heads, and the next page of a sweep round the whole set ({@link ReadyLooks#SWEEP_PAGE}).
 */
public final class Dispatcher implements ReadySignal.Listener, RegionLeadership.Listener, AutoCloseable {

    private final RegionViews views;
    private final FleetCopies fleets;
    private final WaitAnswers answers;
    private final Placing placing;
    private final DispatchRuns runs;
    private final AgentPolls agentPolls;
    private final AcrossInstances across;
    private final DispatchBus bus;

    Dispatcher(AgentRecords agents, JobStore jobs, ReadyQueue ready, Claims claims, Matching matching,
               WaitReasons waitReasons, Pools pools, DispatchSettings settings, Clock clock,
               Executor background, LongPolls polls, Dispatching dispatching) {
        RegionLeadership leadership = dispatching.leadership();
        this.bus = dispatching.bus();
        AgentInbox inbox = dispatching.inbox();
        Set<String> regions = agents.regions();
        this.views = new RegionViews(regions, leadership, clock);
        this.fleets = new FleetCopies(regions, pools);
        this.answers = new WaitAnswers(views, ready, waitReasons, fleets, pools, settings);
        this.placing = new Placing(agents, jobs, claims, matching, pools, fleets, inbox, polls, clock);
        this.runs = new DispatchRuns(views, new ReadyLooks(ready, settings), placing, settings, background, polls);
        this.agentPolls = new AgentPolls(views, runs, claims, bus, inbox, polls);
        this.across = new AcrossInstances(views, runs, agentPolls, agents, jobs, ready, pools, bus);
        agents.addListener(fleets::seen);
        leadership.watch(this);
        inbox.deliverTo(agentPolls::offered);
        runs.startTicks();
    }

    // ---- the fleet ----------------------------------------------------------------------------

    /**
     * The region's agents as this instance last read or wrote them, kept by every agent record it
     * reads or writes: registrations, heartbeats (a live agent's record is written at least every
     * other beat), claims, releases and the reconcile sweep's pages. Never read whole (that would be
     * the whole fleet in one burst on the agents partition): an agent not seen here yet is missing
     * until its next heartbeat write. Copies may be stale (written on another instance): whoever
     * acts on one reads the rows it acts on, and writes conditionally.
     */
    public List<Agent> fleet(String region) {
        return fleets.fleet(region);
    }

    /**
     * The region's running jobs per tenant and per organisation, from the leases of the agents as
     * this instance last saw them (fair share, organisation limits: {@link Matching#assign}). No
     * storage call.
     */
    Running running(String region) {
        return fleets.running(region);
    }

    /**
     * Why a queued job is not running now ({@link WaitReasons}), as the region's dispatcher sees
     * it: from its view where it runs here (no storage call), else from the job's ready entry and
     * the heads of the region's queue (four reads) and the agents this instance has seen. Empty for
     * a job that is not queued.
     */
    public Optional<WaitReasons.Waiting> whyWaiting(Job job) {
        return answers.whyWaiting(job);
    }

    /**
     * The jobs a minute the region's dispatcher started over the last quarter hour, when it runs
     * here and has seen enough starts ({@link StartThroughput}); no storage call.
     */
    public Optional<StartThroughput.Rate> startRate(String region) {
        return answers.startRate(region);
    }

    /** The clock the dispatcher decides by. */
    Clock clock() {
        return views.clock();
    }

    /**
     * The Platinum and Premium jobs this instance's view holds, up to {@code perTier} of each from
     * the head; empty when the region's view is not loaded here (then read the heads).
     */
    public Optional<List<ReadyEntry>> higherTierHeads(String region, int perTier) {
        return answers.higherTierHeads(region, perTier);
    }

    // ---- events -------------------------------------------------------------------------------

    /** Whether this instance's dispatcher decides for the region now (it leads it). */
    public boolean dispatches(String region) {
        return views.dispatches(region);
    }

    @Override
    public void ready(ReadyEntry stored, Job queued) {
        if (!views.serves(stored.region()) || !dispatches(stored.region())) {
            return; // elsewhere: the job's intake message reaches the region's dispatcher ({@link #intake})
        }
        RegionView view = views.of(stored.region());
        view.events.add(v -> {
            v.untake(stored); // back in the queue (same key): no longer taken
            v.put(stored);
            if (queued != null && v.known.size() < RegionView.MAX_KNOWN_JOBS) {
                v.known.put(stored.key(), queued);
            }
        });
        runs.schedule(view, false);
    }

    @Override
    public void agent(Agent stored) {
        if (views.serves(stored.region()) && !dispatches(stored.region())) {
            // A slot freed here: the region's dispatcher may have the agent waiting.
            bus.send(new DispatchEvent.AgentChanged(stored.region(), stored.id(), stored.etag()));
            return;
        }
        RegionView view = views.existing(stored.region());
        if (view == null) {
            return;
        }
        view.events.add(v -> v.refresh(stored));
        runs.schedule(view, false);
    }

    /**
     * An organisation touched by a job of {@code region} asked for a back-off, reported (and stored)
     * here: the region's dispatcher, here or elsewhere, stops starting jobs against it.
     */
    public void throttled(String region, String organisation, Instant until) {
        if (!views.serves(region)) {
            return;
        }
        if (!dispatches(region)) {
            bus.send(new DispatchEvent.Throttled(region, organisation, until));
            return;
        }
        RegionView view = views.existing(region);
        if (view != null) {
            runs.schedule(view, false);
        }
    }

    @Override
    public void changed(String region) {
        RegionView view = views.existing(region);
        if (view == null) {
            return;
        }
        view.events.add(v -> v.refreshNow = true);
        runs.schedule(view, false);
    }

    /**
     * An intake message (published by this or another instance): a job became ready in a region. A
     * job this view does not hold is looked up (its row, then its entry), so work queued elsewhere
     * is seen at once, even deep behind jobs nobody here may take.
     */
    public boolean intake(IntakeMessage message) {
        return across.intake(message);
    }

    /**
     * An agent asks for work ({@code poll} identifies the asking poll): it joins the region's
     * waiting line and one dispatch run is made now, on the caller's thread, so an offer it can take
     * is ready when this returns ({@link #takeOffer}).
     */
    public void waiting(Agent agent, Object poll, Instant until) {
        agentPolls.waiting(agent, poll, until);
    }

    /** The poll stopped asking (answered, timed out, gone). */
    public void stoppedWaiting(String region, String agentId, Object poll) {
        agentPolls.stoppedWaiting(region, agentId, poll);
    }

    /** The oldest lease offered to the agent and not yet taken, if any (taking it removes it). */
    public Optional<LeaseGrant> takeOffer(String region, String agentId) {
        return agentPolls.takeOffer(region, agentId);
    }

    /** Puts back an offer a poll took but could not hand over (its caller was gone). */
    void giveBack(String region, String agentId, LeaseGrant grant) {
        agentPolls.giveBack(region, agentId, grant);
    }

    /** The timer: regions with waiting agents are looked at again (back-offs ending, work queued elsewhere). */
    void tick() {
        runs.tick();
    }

    // ---- across instances ---------------------------------------------------------------------

    /**
     * An event for the region's dispatcher, from the bus: the standalone leader's subscription, or
     * (Functions) the session-triggered function, which handles a region's events one at a time and
     * so decides for the region while it handles one.
     */
    public void handle(DispatchEvent event) {
        across.handle(event);
    }

    /** Who hears of each event this instance's dispatcher handled as the region's (once, at start). */
    public void onHandled(Consumer<DispatchEvent> hook) {
        across.onHandled(hook);
    }

    @Override
    public void gained(String region) {
        across.gained(region);
    }

    @Override
    public void lost(String region) {
        across.lost(region);
    }

    @Override
    public void holderChanged(String region) {
        across.holderChanged(region);
    }

    // ---- placing at submission ----------------------------------------------------------------

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
        RegionView view = views.serves(region) ? views.deciding(region) : null;
        if (view == null) {
            return Optional.empty();
        }
        return placing.placeNew(view, submitted, create, () -> runs.schedule(view, false));
    }

    @Override
    public void close() {
        runs.close();
        across.close();
    }
}
