package io.controlplane.app;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long polls parked on this instance, per region and agent: a parked poll holds no thread,
 * only an entry here and a timer. It is woken (once) when the {@link Dispatcher} has offered its
 * agent a lease ({@link #wake(String, String)}), when its deadline passes, or when the host stops;
 * whoever parked it then decides what to do (take the offer, answer empty).
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

        /** What the poll's owner parked it with (the agent as it asked). */
        public Object waiter() {
            return waiter;
        }

        public CompletableFuture<Wake> woken() {
            return wake;
        }

        /**
         * Unparks it; false when it had already been woken. It leaves the registry first, so whatever
         * runs on the wake-up (the poll's answer, a caller waiting on it) never finds it still parked.
         */
        public boolean complete(Wake why) {
            if (wake.isDone()) {
                return false;
            }
            remove(this);
            return wake.complete(why);
        }
    }

    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Map<String, Set<Parked>>> parked = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timers;
    private final ThreadPoolExecutor work;
    private volatile boolean stopping;

    /** @param workThreads threads that run woken polls' answers (short work, never a wait) */
    public LongPolls(int workThreads) {
        this.timers = new ScheduledThreadPoolExecutor(1, daemon("long-poll-timers"));
        this.timers.setRemoveOnCancelPolicy(true);
        // Work threads only while there is work (control planes in tests are many and short-lived);
        // the one timer thread starts with the first parked poll (a timed-out core thread would
        // miss its delayed tasks).
        this.work = new ThreadPoolExecutor(workThreads, workThreads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("long-poll-work"));
        this.work.allowCoreThreadTimeOut(true);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Where woken polls do their work: never the thread that woke them. */
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

    /** Parks a poll of {@code agentId} in {@code region} until it is woken, {@code timeout} passes, or the host stops. */
    public Parked park(String region, String agentId, Object waiter, Duration timeout) {
        Parked p = new Parked(region, agentId, waiter, sequence.incrementAndGet());
        if (stopping) {
            p.wake.complete(Wake.STOPPING);
            return p;
        }
        parked.computeIfAbsent(region, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(agentId, k -> ConcurrentHashMap.newKeySet()).add(p);
        p.timer = timers.schedule(() -> p.complete(Wake.TIMED_OUT), Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
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
        return agents.values().stream().flatMap(Set::stream).sorted(Comparator.comparingLong(p -> p.sequence)).toList();
    }

    /** The polls of one agent parked in a region. */
    public List<Parked> parked(String region, String agentId) {
        Map<String, Set<Parked>> agents = parked.get(region);
        Set<Parked> set = agents == null ? null : agents.get(agentId);
        return set == null ? List.of() : List.copyOf(set);
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

    @Override
    public void close() {
        stop();
        timers.shutdownNow();
        work.shutdown();
    }
}
