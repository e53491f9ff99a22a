package io.controlplane.adapters.memory;

import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.OfferNote;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Agent inboxes in memory: a {@link PostOffice} shared by every control plane of a test, and one
 * inbox per instance, addressed by the instance (as the Storage Queue adapter is). Offers are
 * delivered on a thread of the post office, never on the poster's.
 */
public final class InMemoryAgentInbox implements AgentInbox {

    /** What the instances of one test share. */
    public static final class PostOffice {
        private final Map<String, InMemoryAgentInbox> byAddress = new ConcurrentHashMap<>();
        private final List<OfferNote> posted = new ArrayList<>();
        private final Executor delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "memory-inbox");
            t.setDaemon(true);
            return t;
        });

        public InMemoryAgentInbox inbox(String instanceId) {
            return byAddress.computeIfAbsent(instanceId, id -> new InMemoryAgentInbox(this, id));
        }

        public synchronized List<OfferNote> posted() {
            return List.copyOf(posted);
        }
    }

    private final PostOffice office;
    private final String address;
    private volatile Consumer<OfferNote> handler;
    private final List<OfferNote> undelivered = new ArrayList<>();

    private InMemoryAgentInbox(PostOffice office, String address) {
        this.office = office;
        this.address = address;
    }

    @Override
    public String replyTo(String agentId) {
        return address;
    }

    @Override
    public void post(String replyTo, OfferNote offer) {
        Objects.requireNonNull(offer, "offer");
        synchronized (office) {
            office.posted.add(offer);
        }
        InMemoryAgentInbox to = office.byAddress.get(replyTo);
        if (to != null) {
            office.delivery.execute(() -> to.arrive(offer));
        }
    }

    private void arrive(OfferNote offer) {
        Consumer<OfferNote> h;
        synchronized (this) {
            h = handler;
            if (h == null) {
                undelivered.add(offer);
                return;
            }
        }
        h.accept(offer);
    }

    @Override
    public void deliverTo(Consumer<OfferNote> handler) {
        List<OfferNote> waiting;
        synchronized (this) {
            this.handler = Objects.requireNonNull(handler, "handler");
            waiting = List.copyOf(undelivered);
            undelivered.clear();
        }
        waiting.forEach(handler);
    }

    @Override
    public IntakeQueue.Subscription listen(String agentId) {
        return () -> { };
    }
}
