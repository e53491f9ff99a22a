package io.controlplane.app;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long polls parked on this instance, per region and agent: a parked poll holds no thread,
 * only an entry here and a timer. It is woken (once) when its region is signalled, when its
 * deadline passes, or when the host stops; whoever parked it then decides what to do (try a claim
 * again, answer empty). Anything may complete a parked poll from outside ({@link #wake(String)},
 * {@link #wake(String, String)}), so a dispatcher that pushes leases can reuse the registry.
 *
 * <p>A signal does not wake every poll of its region: a {@link Selector} (the dispatch rules) picks
 * the polls worth waking, from one read of what is ready there, so one submission wakes a few
 * agents that may take it, not the whole fleet. Work submitted to another instance reaches this
 * one as an intake message (a signal); as a backstop, a region with parked polls is looked at the
 * same way every poll interval, once for the region, not by every waiter.
 */
public final class LongPolls implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LongPolls.class);

    /** Why a parked poll was woken. */
    public enum Wake {
        /** Work may have appeared in its region (or someone completed it from outside). */
        SIGNALLED,
        /** Its deadline passed. */
        TIMED_OUT,
        /** The host is stopping: answer at once. */
        STOPPING
    }

    /** Picks, of the polls parked in a region (oldest first), those to wake now. */
    @FunctionalInterface
    public interface Selector {
        List<Parked> choose(String region, List<Parked> parked);
    }

    /** One parked poll. Completing its future (once) unparks it. */
    public final class Parked {
        private final String region;
        private final String agentId;
        private final Object waiter;
        private final long sequence;
        private final CompletableFuture<Wake> wake = new CompletableFuture<>();
        private volatile ScheduledFuture<?> timer;

        private Parked(String region, String agentId, Object waiter, long sequence) {
            this.region = region;
            this.agentId = agentId;
            this.waiter = waiter;
            this.sequence = sequence;
        }

        public String agentId() {
            return agentId;
        }

        /** What the poll's owner parked it with (the agent as it asked), for the {@link Selector}. */
        public Object waiter() {
            return waiter;
        }

        public CompletableFuture<Wake> woken() {
            return wake;
        }

        /** Unparks it; false when it had already been woken. */
        public boolean complete(Wake why) {
            boolean first = wake.complete(why);
            if (first) {
                remove(this);
            }
            return first;
        }
    }

    private final ReadySignal signal;
    private final Duration recheckInterval;
    private volatile Selector selector = (region, parked) -> parked;
    private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();
    /** Regions with a look (a {@link Selector} run) queued: signals arriving meanwhile share it. */
    private final Set<String> looking = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<String, Set<Parked>>> parked = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> rechecks = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timers;
    private final ThreadPoolExecutor work;
    private volatile boolean stopping;

    /**
     * @param recheckInterval how often a region with parked polls is probed for work this instance
     *     was not told about
     * @param workThreads threads that run woken polls' claims (short storage work, never a wait)
     */
    public LongPolls(ReadySignal signal, Duration recheckInterval, int workThreads) {
        this.signal = signal;
        this.recheckInterval = recheckInterval;
        this.timers = new ScheduledThreadPoolExecutor(1, daemon("long-poll-timers"));
        this.timers.setRemoveOnCancelPolicy(true);
        // Work threads only while there is work (control planes in tests are many and short-lived);
        // the one timer thread starts with the first parked poll (a timed-out core thread would
        // miss its delayed tasks).
        this.work = new ThreadPoolExecutor(workThreads, workThreads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("long-poll-work"));
        this.work.allowCoreThreadTimeOut(true);
        signal.addListener(this::look);
    }

    /** Who decides which polls a signal wakes (until set: all of the region's). */
    public void select(Selector chooser) {
        this.selector = chooser;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Where woken polls do their work (a claim): never the thread that woke them. */
    public Executor executor() {
        return work;
    }

    public boolean stopping() {
        return stopping;
    }

    /** How many polls are parked now (all regions). */
    public int size() {
        return parked.values().stream().flatMap(m -> m.values().stream()).mapToInt(Set::size).sum();
    }

    /**
     * Parks a poll of {@code agentId} in {@code region} until the region is signalled after
     * {@code seenVersion} (at once if it already was), {@code timeout} passes, or the host stops.
     */
    public Parked park(String region, String agentId, Object waiter, long seenVersion, Duration timeout) {
        Parked p = new Parked(region, agentId, waiter, sequence.incrementAndGet());
        if (stopping) {
            p.wake.complete(Wake.STOPPING);
            return p;
        }
        parked.computeIfAbsent(region, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(agentId, k -> ConcurrentHashMap.newKeySet()).add(p);
        p.timer = timers.schedule(() -> p.complete(Wake.TIMED_OUT), Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        ensureRecheck(region);
        // Registered first, checked second: a signal in between cannot be missed (the look it
        // triggers, or this one, sees this poll).
        if (signal.version(region) != seenVersion) {
            look(region);
        }
        if (stopping) {
            p.complete(Wake.STOPPING);
        }
        return p;
    }

    /** The polls parked in a region, oldest first. */
    public List<Parked> parked(String region) {
        Map<String, Set<Parked>> agents = parked.get(region);
        if (agents == null) {
            return List.of();
        }
        return agents.values().stream().flatMap(Set::stream).sorted(java.util.Comparator.comparingLong(p -> p.sequence)).toList();
    }

    /**
     * Work may have appeared in the region: one look (on a work thread; signals meanwhile share it)
     * wakes the polls the {@link Selector} picks.
     */
    public void look(String region) {
        if (!parked.containsKey(region) || !looking.add(region)) {
            return;
        }
        try {
            work.execute(() -> {
                looking.remove(region);
                List<Parked> waiting = parked(region);
                if (waiting.isEmpty()) {
                    return;
                }
                try {
                    selector.choose(region, waiting).forEach(p -> p.complete(Wake.SIGNALLED));
                } catch (RuntimeException e) {
                    LOG.warn("event=long_poll_look_failed region={} error={}", region, e.toString());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            looking.remove(region);
        }
    }

    /** Wakes every poll parked in the region. */
    public void wake(String region) {
        Map<String, Set<Parked>> agents = parked.get(region);
        if (agents != null) {
            agents.values().forEach(set -> List.copyOf(set).forEach(p -> p.complete(Wake.SIGNALLED)));
        }
    }

    /** Wakes the polls of one agent (a dispatcher that has work for exactly that agent). */
    public void wake(String region, String agentId) {
        Map<String, Set<Parked>> agents = parked.get(region);
        Set<Parked> set = agents == null ? null : agents.get(agentId);
        if (set != null) {
            List.copyOf(set).forEach(p -> p.complete(Wake.SIGNALLED));
        }
    }

    /** The host is stopping: every parked poll is answered now, and new ones at once. */
    public void stop() {
        stopping = true;
        parked.values().forEach(agents -> agents.values().forEach(set -> List.copyOf(set).forEach(p -> p.complete(Wake.STOPPING))));
    }

    private void remove(Parked p) {
        ScheduledFuture<?> timer = p.timer;
        if (timer != null) {
            timer.cancel(false);
        }
        Map<String, Set<Parked>> agents = parked.get(p.region);
        if (agents != null) {
            agents.computeIfPresent(p.agentId, (k, set) -> {
                set.remove(p);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** One re-check timer per region with parked polls; it cancels itself when the region has none. */
    private void ensureRecheck(String region) {
        rechecks.computeIfAbsent(region, r -> timers.scheduleWithFixedDelay(() -> recheck(r),
                recheckInterval.toNanos(), recheckInterval.toNanos(), TimeUnit.NANOSECONDS));
    }

    private void recheck(String region) {
        Map<String, Set<Parked>> agents = parked.get(region);
        if (agents == null || agents.isEmpty()) {
            ScheduledFuture<?> timer = rechecks.remove(region);
            if (timer != null) {
                timer.cancel(false);
            }
            // A poll parked between the look and the removal gets its own timer again.
            if (agents != null && !agents.isEmpty()) {
                ensureRecheck(region);
            }
            return;
        }
        look(region);
    }

    @Override
    public void close() {
        stop();
        timers.shutdownNow();
        work.shutdown();
    }
}
