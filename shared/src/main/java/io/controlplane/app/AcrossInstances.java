package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.ReadyQueue;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Dispatcher} across instances: intake messages and the bus's events for the region's
 * dispatcher ({@link Dispatcher#intake}, {@link Dispatcher#handle}), and the region's leadership
 * coming here or going elsewhere (its bus subscription, its view read afresh, the polls waiting
 * here asking the new leader).
 */
final class AcrossInstances implements AutoCloseable {

    /** Logged under the dispatcher's name: these are its events. */
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final RegionViews views;
    private final DispatchRuns runs;
    private final AgentPolls agentPolls;
    private final AgentRecords agents;
    private final JobStore jobs;
    private final ReadyQueue ready;
    private final Pools pools;
    private final DispatchBus bus;
    /** The bus subscriptions of the regions this instance leads. */
    private final Map<String, IntakeQueue.Subscription> subscriptions = new ConcurrentHashMap<>();
    /** Told of every event this instance's dispatcher handled as the region's (the host schedules preemption checks). */
    private volatile Consumer<DispatchEvent> handled = e -> { };

    AcrossInstances(RegionViews views, DispatchRuns runs, AgentPolls agentPolls, AgentRecords agents, JobStore jobs,
                    ReadyQueue ready, Pools pools, DispatchBus bus) {
        this.views = views;
        this.runs = runs;
        this.agentPolls = agentPolls;
        this.agents = agents;
        this.jobs = jobs;
        this.ready = ready;
        this.pools = pools;
        this.bus = bus;
    }

    boolean intake(IntakeMessage message) {
        if (!views.serves(message.region())) {
            return false;
        }
        if (!views.dispatches(message.region())) {
            bus.send(DispatchEvent.Ready.of(message)); // to the region's dispatcher
            return false;
        }
        learn(message);
        return true;
    }

    /** The region's dispatcher hears of a job queued (here or elsewhere). */
    private void learn(IntakeMessage message) {
        RegionView view = views.existing(message.region());
        if (view == null || !view.loaded) {
            return; // read whole when first needed
        }
        view.events.add(v -> {
            if (v.holds(message.tenantId(), message.jobId()) || v.announcesTaken(message)) {
                return; // known here already, or just leased here (this instance's own message, echoed or delivered back)
            }
            jobs.find(message.tenantId(), message.jobId()).filter(j -> j.state() == JobState.Queued)
                    .flatMap(j -> ready.find(v.region, ReadyEntry.of(j, null, views.clock().instant()).key()))
                    .ifPresent(v::put);
        });
        runs.schedule(view, views.eventsLead());
    }

    void handle(DispatchEvent event) {
        if (!views.serves(event.region())) {
            return;
        }
        boolean mandated = views.eventsLead();
        if (!mandated && !views.dispatches(event.region())) {
            // No longer the region's (a late delivery after a handover): on to whoever leads it now.
            bus.send(event);
            return;
        }
        RegionView view = views.of(event.region());
        if (event instanceof DispatchEvent.Asks asks) {
            Optional<Agent> agent = agents.atLeast(asks.region(), asks.agentId(), asks.agentEtag());
            if (agent.isEmpty()) {
                return; // unregistered meanwhile
            }
            view.events.add(v -> {
                RegionView.Waiter w = v.waiter(agent.get());
                w.replyTo = asks.replyTo();
                w.remoteUntil = asks.until();
            });
            runs.run(view, mandated);
        } else if (event instanceof DispatchEvent.Ready r) {
            learn(r.message());
            runs.schedule(view, mandated);
        } else if (event instanceof DispatchEvent.AgentChanged changed) {
            boolean waits;
            synchronized (view) {
                view.drain();
                RegionView.Waiter w = view.waiting.get(changed.agentId());
                waits = w != null && (w.agent.etag() == null || !w.agent.etag().equals(changed.agentEtag()));
            }
            if (waits) {
                agents.atLeast(changed.region(), changed.agentId(), changed.agentEtag())
                        .ifPresent(a -> view.events.add(v -> v.refresh(a)));
            }
            runs.schedule(view, mandated);
        } else if (event instanceof DispatchEvent.Throttled) {
            pools.invalidate(); // the throttle as stored is read with the next look
            runs.schedule(view, mandated);
        } else {
            runs.schedule(view, mandated); // a tick
        }
        handled.accept(event);
    }

    void onHandled(Consumer<DispatchEvent> hook) {
        this.handled = Objects.requireNonNull(hook);
    }

    void gained(String region) {
        if (!views.serves(region)) {
            return;
        }
        RegionView view = views.of(region);
        synchronized (view) {
            view.drain();
            view.forgetReady(); // read afresh: another instance decided meanwhile
            for (RegionView.Waiter w : view.waiting.values()) {
                w.polls.values().forEach(RegionView.Asking::stopListening); // offers to them are made here now
            }
        }
        subscriptions.computeIfAbsent(region, r -> bus.subscribe(r, this::handle));
        LOG.info("event=dispatch_leader_gained region={}", region);
        runs.schedule(view, false);
    }

    void lost(String region) {
        IntakeQueue.Subscription subscription = subscriptions.remove(region);
        if (subscription != null) {
            subscription.close();
        }
        RegionView view = views.existing(region);
        LOG.info("event=dispatch_leader_lost region={}", region);
        if (view != null) {
            synchronized (view) {
                view.drain();
                view.forgetReady();
                view.waiting.values().removeIf(w -> {
                    w.replyTo = null;
                    w.remoteUntil = null;
                    return w.polls.isEmpty();
                });
            }
            agentPolls.askAgain(view);
        }
    }

    void holderChanged(String region) {
        RegionView view = views.existing(region);
        if (view != null && !views.dispatches(region)) {
            agentPolls.askAgain(view);
        }
    }

    @Override
    public void close() {
        subscriptions.values().forEach(IntakeQueue.Subscription::close);
        subscriptions.clear();
    }
}
