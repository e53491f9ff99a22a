package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code jobs watch} from the tenant's job events ({@code GET /api/events}): each watched job's
 * view is read once, then one stream is followed for all of them, and a job is read again
 * ({@code GET /api/jobs/{id}}) when events of it arrive: at most once per {@link #COALESCE} however
 * many came (a burst of progress reports is one read). Other jobs' events are ignored.
 *
 * <p>On a {@code reset} event (events may have been missed), and whenever the stream ends or fails
 * (an Azure Functions deployment ends each stream after its first events), every unfinished job is
 * read again and the stream is reopened after a small back-off with {@code Last-Event-ID}. A stream
 * that is silent for {@link #IDLE} (the server writes a keep-alive comment after 15 quiet seconds)
 * is taken for dead and reopened. A server without the event routes (404 or 405 on opening) is
 * watched by {@link PollingJobUpdates} instead.
 *
 * <p>The stream is read on a thread of its own, which only notes which jobs to read; the reads are
 * made by the caller of {@link #next()}, so their failures (an expired token, say) end the watch.
 */
final class EventJobUpdates implements JobUpdates {

    static final Duration COALESCE = Duration.ofSeconds(1);
    static final Duration IDLE = Duration.ofSeconds(45);
    static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    /** Opens the event stream. */
    interface Transport {
        /**
         * The stream's text after {@code lastEventId} (null: from now on), once the server has answered 2xx.
         * @throws CliException a refusal (its {@link CliException#status()}: 404 or 405 when the server has no event routes)
         */
        Reader open(String lastEventId) throws IOException;
    }

    /** How long to wait: the coalescing window, the first and longest reconnect back-off, the idle limit. */
    record Timing(Duration coalesce, Duration firstBackoff, Duration maxBackoff, Duration idle) {
        static final Timing DEFAULT = new Timing(COALESCE, FIRST_BACKOFF, MAX_BACKOFF, IDLE);
    }

    private final Function<String, JsonNode> read;
    private final Transport transport;
    private final Supplier<JobUpdates> fallback;
    private final ObjectMapper json;
    private final Timing timing;
    private final Consumer<String> note;
    private final List<String> ids;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by lock: the jobs not yet seen finished, those to read, and when each was last read (nanoTime). */
    private final Set<String> unfinished = new LinkedHashSet<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final Map<String, Long> lastRead = new HashMap<>();
    private long lastActivity = System.nanoTime();

    private JobUpdates polling;
    private boolean started;
    private Thread reader;
    private volatile boolean closed;
    private volatile Reader current;
    /** The reader thread's: where to resume. */
    private String lastEventId;
    private Duration retry;

    /**
     * @param read reads one job's view ({@code GET /api/jobs/{id}})
     * @param fallback the watch of a server without event routes
     * @param note where to say what the watch does (verbose), e.g. that it reconnects
     */
    EventJobUpdates(Function<String, JsonNode> read, Transport transport, Supplier<JobUpdates> fallback, List<String> ids,
                    ObjectMapper json, Timing timing, Consumer<String> note) {
        this.read = read;
        this.transport = transport;
        this.fallback = fallback;
        this.ids = List.copyOf(new LinkedHashSet<>(ids));
        this.json = json;
        this.timing = timing;
        this.note = note;
        this.retry = timing.maxBackoff();
        unfinished.addAll(this.ids);
    }

    /** True once the server turned out to have no event routes (the watch polls). */
    boolean polling() {
        return polling != null;
    }

    @Override
    public List<JsonNode> next() throws InterruptedException {
        if (polling != null) {
            return polling.next();
        }
        if (!started) {
            return start();
        }
        List<String> due = awaitDue();
        return readAll(due);
    }

    /** Opens the stream (before reading, so nothing after the reads is missed), reads every job once, starts the reader. */
    private List<JsonNode> start() throws InterruptedException {
        started = true;
        Reader first = null;
        try {
            first = transport.open(null);
        } catch (CliException refused) {
            if (refused.status() == 404 || refused.status() == 405) {
                note.accept("the control plane has no job events (HTTP " + refused.status() + "): polling instead");
                polling = fallback.get();
                return polling.next();
            }
            note.accept("cannot open the job events (" + refused.getMessage() + "): retrying");
        } catch (IOException | RuntimeException failed) {
            note.accept("cannot open the job events (" + failed + "): retrying");
        }
        List<JsonNode> views = readAll(ids);
        Reader opened = first;
        reader = new Thread(() -> follow(opened), "cpctl-job-events");
        reader.setDaemon(true);
        reader.start();
        return views;
    }

    private List<JsonNode> readAll(List<String> which) {
        List<JsonNode> views = new ArrayList<>();
        // One time for the whole batch: jobs read together are due together (and come back as one batch).
        long now = System.nanoTime();
        lock.lock();
        try {
            which.forEach(id -> lastRead.put(id, now));
        } finally {
            lock.unlock();
        }
        for (String id : which) {
            JsonNode view = read.apply(id);
            views.add(view);
            if (JobWatch.finished(view.path("state").asText())) {
                lock.lock();
                try {
                    unfinished.remove(id);
                    dirty.remove(id);
                } finally {
                    lock.unlock();
                }
            }
        }
        return views;
    }

    /** Waits until some job with events is due a read (its last read at least the coalescing window ago). */
    private List<String> awaitDue() throws InterruptedException {
        long window = timing.coalesce().toNanos();
        long idle = timing.idle().toNanos();
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                List<String> due = new ArrayList<>();
                long wait = idle;
                dirty.retainAll(unfinished);
                for (String id : dirty) {
                    long dueAt = lastRead.getOrDefault(id, now - window) + window;
                    if (dueAt - now <= 0) {
                        due.add(id);
                    } else {
                        wait = Math.min(wait, dueAt - now);
                    }
                }
                if (!due.isEmpty()) {
                    dirty.removeAll(due);
                    return due;
                }
                if (now - lastActivity >= idle) {
                    lastActivity = now;
                    abortStream("nothing from the job events for " + timing.idle().toSeconds() + " s");
                }
                changed.awaitNanos(Math.max(1, Math.min(wait, idle - (now - lastActivity))));
            }
        } finally {
            lock.unlock();
        }
    }

    /** The reader thread: follows the stream, reopening it until closed. */
    private void follow(Reader first) {
        Reader stream = first;
        Duration backoff = timing.firstBackoff();
        while (!closed) {
            Thread.interrupted(); // an abort's interrupt is spent
            boolean delivered = false;
            if (stream == null) {
                try {
                    stream = transport.open(lastEventId);
                } catch (IOException | RuntimeException failed) {
                    if (closed) {
                        return;
                    }
                    note.accept("cannot reopen the job events (" + message(failed) + ")");
                }
            }
            if (stream != null) {
                current = stream;
                activity();
                ServerSentEvents events = new ServerSentEvents(stream, this::activity);
                try {
                    ServerSentEvents.Event event;
                    while (!closed && (event = events.next()) != null) {
                        delivered = true;
                        handle(event);
                    }
                } catch (IOException | RuntimeException failed) {
                    if (!closed) {
                        note.accept("the job events failed (" + message(failed) + ")");
                    }
                } finally {
                    if (events.lastEventId() != null) {
                        lastEventId = events.lastEventId();
                    }
                    if (events.retryMillis() != null) {
                        retry = Duration.ofMillis(Math.max(events.retryMillis(), timing.firstBackoff().toMillis()));
                    }
                    close(stream);
                    current = null;
                    stream = null;
                }
            }
            if (closed) {
                return;
            }
            // It may have missed events: every unfinished job is read again.
            markAll();
            backoff = delivered ? timing.firstBackoff() : min(backoff.multipliedBy(2), min(retry, timing.maxBackoff()));
            note.accept("reconnecting to the job events in " + backoff.toMillis() + " ms"
                    + (lastEventId == null ? "" : " after " + lastEventId));
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException interrupted) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void handle(ServerSentEvents.Event event) {
        if ("reset".equals(event.type())) {
            note.accept("the job events were reset (" + event.data() + "): reading every job again");
            markAll();
            return;
        }
        String jobId;
        try {
            jobId = json.readTree(event.data()).path("jobId").asText(null);
        } catch (IOException notJson) {
            return;
        }
        if (jobId == null) {
            return;
        }
        lock.lock();
        try {
            if (unfinished.contains(jobId) && dirty.add(jobId)) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void markAll() {
        lock.lock();
        try {
            dirty.addAll(unfinished);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void activity() {
        lock.lock();
        try {
            lastActivity = System.nanoTime();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the stream being read (the reader then reads every job again and reopens it): by
     * interrupting its thread, whose blocked read then fails. Closing a reader from another thread
     * would wait for the read under way (a reader holds its lock while it reads).
     */
    private void abortStream(String why) {
        Thread thread = reader;
        if (current != null && thread != null) {
            note.accept(why + ": reconnecting");
            thread.interrupt();
        }
    }

    private static void close(Reader stream) {
        try {
            stream.close();
        } catch (IOException | RuntimeException ignored) {
            // it is being given up
        }
    }

    private static String message(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.toString();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        closed = true;
        if (polling != null) {
            polling.close();
        }
        Thread thread = reader;
        if (thread != null) {
            thread.interrupt(); // its read fails, and it closes the stream (see abortStream)
            try {
                thread.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
