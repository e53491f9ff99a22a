package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.OfferNote;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Dispatcher}'s side of the agents' polls on this instance: a poll joins its region's
 * waiting line and leaves it, takes the leases offered to its agent (made here, or delivered from
 * the region's dispatcher on another instance), and asks the region's dispatcher wherever it runs.
 */
final class AgentPolls {

    /** Logged under the dispatcher's name: these are its events. */
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final RegionViews views;
    private final DispatchRuns runs;
    private final Claims claims;
    private final DispatchBus bus;
    private final AgentInbox inbox;
    private final LongPolls polls;

    AgentPolls(RegionViews views, DispatchRuns runs, Claims claims, DispatchBus bus, AgentInbox inbox, LongPolls polls) {
        this.views = views;
        this.runs = runs;
        this.claims = claims;
        this.bus = bus;
        this.inbox = inbox;
        this.polls = polls;
    }

    void waiting(Agent agent, Object poll, Instant until) {
        RegionView view = views.of(agent.region());
        boolean here = views.dispatches(agent.region());
        // A poll whose region is decided elsewhere listens for its offers (Service Bus: the agent's session).
        RegionView.Asking asking = new RegionView.Asking(until, here ? null : inbox.listen(agent.id()));
        view.events.add(v -> v.waiter(agent).polls.put(poll, asking));
        if (here) {
            runs.run(view, false);
            return;
        }
        synchronized (view) {
            view.drain();
        }
        bus.send(new DispatchEvent.Asks(agent.region(), agent.id(), agent.etag(),
                inbox.replyTo(agent.id()), until));
    }

    void stoppedWaiting(String region, String agentId, Object poll) {
        RegionView view = views.existing(region);
        if (view == null) {
            return;
        }
        view.events.add(v -> {
            RegionView.Waiter w = v.waiting.get(agentId);
            RegionView.Asking asking = w == null ? null : w.polls.remove(poll);
            if (asking != null) {
                asking.stopListening();
                if (w.polls.isEmpty() && !w.remote(views.clock().instant())) {
                    v.waiting.remove(agentId);
                }
            }
        });
        runs.schedule(view, false);
    }

    Optional<LeaseGrant> takeOffer(String region, String agentId) {
        RegionView view = views.existing(region);
        ConcurrentLinkedDeque<RegionView.Offer> offered = view == null ? null : view.offers.get(agentId);
        RegionView.Offer offer = offered == null ? null : offered.pollFirst();
        return Optional.ofNullable(offer).map(RegionView.Offer::grant);
    }

    void giveBack(String region, String agentId, LeaseGrant grant) {
        views.of(region).offers.computeIfAbsent(agentId, k -> new ConcurrentLinkedDeque<>())
                .addFirst(new RegionView.Offer(grant, views.clock().instant()));
    }

    /** An offer from the region's dispatcher on another instance, for an agent whose poll waits here. */
    void offered(OfferNote note) {
        if (!views.serves(note.region())) {
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
            views.of(note.region()).offer(note.agentId(), g, views.clock().instant());
            polls.wake(note.region(), note.agentId());
        });
    }

    /** The polls waiting here ask the region's (new) dispatcher, wherever it runs. */
    void askAgain(RegionView view) {
        List<DispatchEvent.Asks> asks = new ArrayList<>();
        Instant now = views.clock().instant();
        synchronized (view) {
            for (RegionView.Waiter w : view.waiting.values()) {
                Instant until = null;
                for (RegionView.Asking a : w.polls.values()) {
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
}
