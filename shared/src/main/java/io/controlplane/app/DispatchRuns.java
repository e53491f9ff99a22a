package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Dispatcher}'s runs over a region's view: events coalesce into one run at a time per
 * region on the background executor ({@link #schedule}), a run applies them, loads or refreshes
 * the view when due and places what matches ({@link Placing}), and a timer looks again at the
 * regions with waiting agents every poll interval ({@link #tick}).
 */
final class DispatchRuns implements AutoCloseable {

    /** Logged under the dispatcher's name: these are its events. */
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final RegionViews views;
    private final ReadyLooks looks;
    private final Placing placing;
    private final DispatchSettings settings;
    private final Executor background;
    private final LongPolls polls;
    private final ScheduledExecutorService ticks;

    DispatchRuns(RegionViews views, ReadyLooks looks, Placing placing, DispatchSettings settings, Executor background,
                 LongPolls polls) {
        this.views = views;
        this.looks = looks;
        this.placing = placing;
        this.settings = settings;
        this.background = background;
        this.polls = polls;
        this.ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dispatch-ticks");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the timer: a {@link #tick} every poll interval. */
    void startTicks() {
        long period = settings.pollInterval().toMillis();
        ticks.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    /** The timer: regions with waiting agents are looked at again (back-offs ending, work queued elsewhere). */
    void tick() {
        for (RegionView view : views.all()) {
            if (!views.dispatches(view.region)) {
                continue;
            }
            synchronized (view) {
                if (view.idle()) {
                    continue;
                }
            }
            schedule(view, false);
        }
    }

    /** A run of the view on the background executor, unless one is scheduled already (it will see this event). */
    void schedule(RegionView view, boolean mandated) {
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
    void run(RegionView view, boolean mandated) {
        List<String> woken = new ArrayList<>();
        List<Runnable> posts = new ArrayList<>();
        boolean more = false;
        boolean deciding = mandated || views.dispatches(view.region);
        synchronized (view) {
            try {
                Instant now = views.clock().instant();
                if (!deciding) {
                    view.drain();
                    expireOffers(view, now);
                    return;
                }
                if (!view.loaded) {
                    looks.load(view);
                }
                view.drain();
                if (!view.waiting.isEmpty()) {
                    looks.refreshIfDue(view, now);
                }
                expireOffers(view, now);
                view.dropIdle(now);
                more = placing.dispatch(view, now, woken, posts);
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

    /** An offer no poll took within a lease's length is forgotten: its lease expires and the job is requeued. */
    private void expireOffers(RegionView view, Instant now) {
        view.expireOffers(now.minus(settings.leaseDuration()));
    }

    @Override
    public void close() {
        ticks.shutdownNow();
    }
}
