package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Tier;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's side of dispatch: intake messages and dispatch events reach its dispatcher here,
 * and a Platinum or Premium job that no agent takes within {@code preemptAfter} gets a preemption
 * check on a timer, rather than at the next reconcile pass. The checks of a region are coalesced
 * by {@link PreemptionChecks}.
 */
public final class LocalDispatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDispatch.class);

    private final Set<String> regions;
    private final Dispatcher dispatcher;
    private final Preemption preemption;
    private final DispatchSettings settings;
    private final PreemptionChecks checks = new PreemptionChecks();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "controlplane-timers");
        t.setDaemon(true);
        return t;
    });

    /** The intake queue that echoes to {@link #onIntake}, when this instance is wired to echo (null otherwise). */
    private EchoingIntake echo;

    LocalDispatch(Set<String> regions, Dispatcher dispatcher, Preemption preemption, DispatchSettings settings) {
        this.regions = Set.copyOf(regions);
        this.dispatcher = dispatcher;
        this.preemption = preemption;
        this.settings = settings;
    }

    /**
     * While wiring a running instance: the intake queue the use cases publish to, which hands each
     * message to {@link #onIntake} at once, and the dispatcher's handled events to their
     * preemption checks.
     */
    IntakeQueue echoing(IntakeQueue queue) {
        echo = new EchoingIntake(queue, this::onIntake);
        dispatcher.onHandled(this::handled);
        return echo;
    }

    /** An intake message arrived: this instance's dispatcher learns of the job (work queued elsewhere). */
    public void onIntake(IntakeMessage message) {
        if (!regions.contains(message.region())) {
            return;
        }
        boolean decidedHere = dispatcher.intake(message);
        if (decidedHere && message.tier() != Tier.Standard) {
            // If no agent takes it within the preemption delay, make room for it now rather than at
            // the next reconcile pass. The check skips a job that an agent with a free slot may take
            // (one the dispatcher is placing it with, or about to), so it needs no margin after the delay.
            schedulePreemptionCheck(message.region());
        }
    }

    /**
     * An event for a region's dispatcher, delivered to this instance by the host (Functions: the
     * session-triggered dispatch function, one region's events at a time).
     */
    public void onDispatch(DispatchEvent event) {
        dispatcher.handle(event);
    }

    /** An event this instance's dispatcher handled as the region's: a Platinum or Premium job gets its preemption check. */
    void handled(DispatchEvent event) {
        if (event instanceof DispatchEvent.Ready ready && ready.tier() != Tier.Standard) {
            schedulePreemptionCheck(ready.region());
        }
    }

    private void schedulePreemptionCheck(String region) {
        Instant now = Instant.now();
        checks.request(region, now.plus(settings.preemptAfter())).ifPresent(at -> {
            try {
                timers.schedule(() -> {
                    checks.running(region, Instant.now());
                    try {
                        preemption.run(region);
                    } catch (RuntimeException e) {
                        LOG.warn("event=preemption_failed region={} error={}", region, e.toString());
                    }
                }, Math.max(0, Duration.between(now, at).toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                checks.running(region, now);
            }
        });
    }

    /** No check runs after this. */
    @Override
    public void close() {
        timers.shutdownNow();
    }

    /** What was published is sent (for up to 5 s) before the queue closes. */
    void drain() {
        if (echo != null) {
            echo.drain();
        }
    }
}
