package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.domain.Job;
import io.controlplane.domain.ReadyEntry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This instance's dispatch events, from the use cases to the {@link Dispatcher}: a job became
 * ready here (its ready entry as stored), an agent record was written here (a slot freed, a
 * drain), or something changed in a region that is not known in detail (an intake message from
 * another instance, a reconcile pass that requeued work). Listeners run on the signalling thread
 * and must be quick (the dispatcher only records the event and schedules its region).
 */
final class ReadySignal {

    /** What a listener hears; each method defaults to nothing. */
    public interface Listener {
        default void changed(String region) {
        }

        /** {@code queued}: the job as stored with it (with its ETag), or null when not at hand. */
        default void ready(ReadyEntry stored, Job queued) {
        }

        default void agent(Agent stored) {
        }
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Something changed in the region (details unknown here): look again. */
    public void signal(String region) {
        listeners.forEach(l -> l.changed(region));
    }

    /** A job became ready: its entry as stored (with its ETag), and the job as stored (or null). */
    public void ready(ReadyEntry stored, Job queued) {
        listeners.forEach(l -> l.ready(stored, queued));
    }

    /** An agent record as just written on this instance (slots, hold, drain). */
    public void agentChanged(Agent stored) {
        listeners.forEach(l -> l.agent(stored));
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }
}
