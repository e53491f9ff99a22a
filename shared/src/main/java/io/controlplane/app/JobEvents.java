package io.controlplane.app;

import io.controlplane.domain.JobEvent;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The job events of this instance, for the watchers of jobs (event streams and their long polls).
 * Every event gets the next number of this instance's sequence and an id ({@code <boot>-<number>},
 * the boot part new each time the instance starts); the last {@code capacity} events are kept, so a
 * watcher that comes back with the id of the last event it saw gets every later one, in order. When
 * that cannot be done (the instance restarted, the id is unknown, or events after it were dropped
 * to keep the buffer bounded) the watcher gets one {@link Delivered#reset() reset} instead and
 * reloads what it shows.
 *
 * <p>A watcher holds no thread: it is a queue and a callback, run when events arrive (or it is
 * closed). A watcher that falls {@code backlog} events behind is closed (it comes back with its last
 * id and is replayed what the buffer still holds). Events are those of writes this instance made;
 * with several instances each sees its own (see ADR 0011).
 */
public final class JobEvents implements AutoCloseable {

    /** Default number of events kept for replay. */
    public static final int DEFAULT_CAPACITY = 100_000;
    /** Default number of events a watcher may fall behind before it is closed. */
    public static final int DEFAULT_BACKLOG = 10_000;

    /** What a watcher watches: one tenant's jobs (null: every tenant), or one of its jobs (null: all). */
    public record Scope(String tenantId, String jobId) {

        public static Scope tenant(String tenantId) {
            return new Scope(tenantId, null);
        }

        public static Scope job(String tenantId, String jobId) {
            return new Scope(tenantId, jobId);
        }

        public static Scope everyTenant() {
            return new Scope(null, null);
        }

        boolean covers(JobEvent event) {
            return (tenantId == null || tenantId.equals(event.tenantId())) && (jobId == null || jobId.equals(event.jobId()));
        }
    }

    /**
     * One thing a watcher is given: an event with its id, or (event null) a reset saying why the
     * watcher's resume point could not be honoured; a reset carries the id to resume from next.
     */
    public record Delivered(String id, long sequence, JobEvent event, String reset) {

        public boolean isReset() {
            return reset != null;
        }
    }

    /** One watcher's queue. Its callback runs when the queue gains events after being empty, and on close. */
    public final class Subscription implements AutoCloseable {
        private final Scope scope;
        private final Runnable ready;
        private final ArrayDeque<Delivered> queue = new ArrayDeque<>();
        private boolean closed;
        private String closedBecause;

        private Subscription(Scope scope, Runnable ready) {
            this.scope = scope;
            this.ready = ready;
        }

        /** Takes what is queued, oldest first (empty when nothing is). */
        public List<Delivered> take() {
            synchronized (this) {
                List<Delivered> out = new ArrayList<>(queue);
                queue.clear();
                return out;
            }
        }

        public synchronized boolean isClosed() {
            return closed;
        }

        /** Why it was closed by the hub (too slow, host stopping), or null. */
        public synchronized String closedBecause() {
            return closedBecause;
        }

        /** Returns true when the queue was empty before (the callback must run). */
        private boolean offer(Delivered delivered) {
            synchronized (this) {
                if (closed) {
                    return false;
                }
                if (queue.size() >= backlog) {
                    closed = true;
                    closedBecause = "too-slow";
                    queue.clear();
                    return true;
                }
                queue.add(delivered);
                return queue.size() == 1;
            }
        }

        private boolean shut(String because) {
            synchronized (this) {
                if (closed) {
                    return false;
                }
                closed = true;
                closedBecause = because;
                return true;
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
            }
            remove(this);
        }
    }

    private final int capacity;
    private final int backlog;
    private final String boot;
    private final ArrayDeque<Delivered> buffer = new ArrayDeque<>();
    private final Map<String, Set<Subscription>> byTenant = new ConcurrentHashMap<>();
    private final Set<Subscription> everyTenant = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor timers;
    private final ThreadPoolExecutor work;
    private long sequence;
    /** The highest sequence number dropped from the buffer (0: none). */
    private long droppedThrough;
    private boolean stopping;

    public JobEvents() {
        this(DEFAULT_CAPACITY, DEFAULT_BACKLOG);
    }

    public JobEvents(int capacity, int backlog) {
        if (capacity < 1 || backlog < 1) {
            throw new IllegalArgumentException("capacity and backlog must be positive");
        }
        this.capacity = capacity;
        this.backlog = backlog;
        byte[] random = new byte[5];
        new SecureRandom().nextBytes(random);
        long bits = 0;
        for (byte b : random) {
            bits = (bits << 8) | (b & 0xff);
        }
        this.boot = Long.toString(bits, 36);
        ThreadFactory daemon = r -> {
            Thread t = new Thread(r, "job-event-timers");
            t.setDaemon(true);
            return t;
        };
        this.timers = new ScheduledThreadPoolExecutor(1, daemon);
        this.timers.setRemoveOnCancelPolicy(true);
        // Watchers' callbacks run here, never on the thread that published (an agent's request).
        this.work = new ThreadPoolExecutor(WORK_THREADS, WORK_THREADS, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "job-event-work");
            t.setDaemon(true);
            return t;
        });
        this.work.allowCoreThreadTimeOut(true);
    }

    private static final int WORK_THREADS = 2;

    private void notify(Subscription s) {
        try {
            work.execute(s.ready);
        } catch (RejectedExecutionException closed) {
            // the hub is closed: nobody is listening any more
        }
    }

    /** Numbers, keeps and hands out an event. */
    public void publish(JobEvent event) {
        List<Subscription> wake = new ArrayList<>();
        synchronized (this) {
            Delivered delivered = new Delivered(id(++sequence), sequence, event, null);
            buffer.addLast(delivered);
            if (buffer.size() > capacity) {
                droppedThrough = buffer.removeFirst().sequence();
            }
            Set<Subscription> tenant = byTenant.get(event.tenantId());
            if (tenant != null) {
                offer(tenant, delivered, wake);
            }
            offer(everyTenant, delivered, wake);
        }
        wake.forEach(this::notify);
    }

    private static void offer(Set<Subscription> subscriptions, Delivered delivered, List<Subscription> wake) {
        for (Subscription s : subscriptions) {
            if (s.scope.covers(delivered.event()) && s.offer(delivered)) {
                wake.add(s);
            }
        }
    }

    /**
     * A new watcher of {@code scope}. With {@code lastEventId} (null: from now on) its queue starts
     * with every kept event after that one, or with a reset when those cannot all be given.
     */
    public Subscription subscribe(Scope scope, String lastEventId, Runnable ready) {
        Subscription s = new Subscription(scope, ready);
        boolean wake;
        synchronized (this) {
            if (stopping) {
                s.shut("stopping");
                wake = true;
            } else {
                if (lastEventId != null) {
                    replay(s, lastEventId);
                }
                if (scope.tenantId() == null) {
                    everyTenant.add(s);
                } else {
                    byTenant.computeIfAbsent(scope.tenantId(), k -> ConcurrentHashMap.newKeySet()).add(s);
                }
                wake = !s.queue.isEmpty();
            }
        }
        if (wake) {
            notify(s);
        }
        return s;
    }

    /** Under the lock: queues what follows {@code lastEventId} for {@code s}, or a reset. */
    private void replay(Subscription s, String lastEventId) {
        long after = sequenceOf(lastEventId);
        if (after < 0 || after > sequence) {
            s.queue.add(reset("unknown-event-id"));
            return;
        }
        if (after < droppedThrough) {
            s.queue.add(reset("events-dropped"));
            return;
        }
        for (Iterator<Delivered> it = buffer.descendingIterator(); it.hasNext(); ) {
            Delivered d = it.next();
            if (d.sequence() <= after) {
                break;
            }
            if (s.scope.covers(d.event())) {
                s.queue.addFirst(d);
            }
        }
    }

    private Delivered reset(String why) {
        return new Delivered(id(sequence), sequence, null, why);
    }

    /** The sequence number an id of this boot names, or -1 (another boot, or not an id at all). */
    private long sequenceOf(String id) {
        int dash = id.lastIndexOf('-');
        if (dash <= 0 || !id.substring(0, dash).equals(boot)) {
            return -1;
        }
        try {
            return Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String id(long number) {
        return boot + "-" + String.format(Locale.ROOT, "%012d", number);
    }

    /** The id of the latest event (a watcher that resumes from it misses nothing later). */
    public synchronized String latestId() {
        return id(sequence);
    }

    /** Drops the kept events of an erased job (they are replayed to no one). */
    public synchronized void forgetJob(String tenantId, String jobId) {
        buffer.removeIf(d -> d.event().tenantId().equals(tenantId) && d.event().jobId().equals(jobId));
    }

    /** Drops the kept events of an erased tenant. */
    public synchronized void forgetTenant(String tenantId) {
        buffer.removeIf(d -> d.event().tenantId().equals(tenantId));
    }

    /** How many watchers there are now. */
    public int watchers() {
        return everyTenant.size() + byTenant.values().stream().mapToInt(Set::size).sum();
    }

    /** Runs {@code task} once after {@code delay} on this hub's timer (heartbeats, waits); never a long task. */
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return timers.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code period} on this hub's timer until cancelled. */
    public ScheduledFuture<?> every(Runnable task, Duration period) {
        return timers.scheduleWithFixedDelay(task, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void remove(Subscription s) {
        if (s.scope.tenantId() == null) {
            everyTenant.remove(s);
        } else {
            byTenant.computeIfPresent(s.scope.tenantId(), (k, set) -> {
                set.remove(s);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** The host is stopping: every watcher is closed (and told, through its callback). */
    public void stop() {
        List<Subscription> all = new ArrayList<>();
        synchronized (this) {
            stopping = true;
            all.addAll(everyTenant);
            byTenant.values().forEach(all::addAll);
        }
        for (Subscription s : all) {
            if (s.shut("stopping")) {
                notify(s);
            }
        }
    }

    @Override
    public void close() {
        stop();
        timers.shutdownNow();
        work.shutdown();
    }
}
