package io.controlplane.api;

import io.controlplane.app.JobEvents;
import io.controlplane.app.JobEvents.Delivered;
import io.controlplane.app.JobEvents.Scope;
import io.controlplane.app.JobEvents.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Server-Sent Events answer over {@link JobEvents}: {@code retry}, then each event as {@code id},
 * {@code event} and one line of JSON {@code data}, and a {@code : keep-alive} comment whenever the
 * stream was quiet for a heartbeat period. An open stream writes at the pace the client reads: the
 * next batch is written once the last one is, and a client that falls too far behind is cut off
 * (it comes back with its Last-Event-ID). A stream ends after {@code lifetime} (the client
 * reconnects, with a token that is still valid) or when the host stops.
 */
final class EventStream implements ApiResponse.Stream {

    static final String CONTENT_TYPE = "text/event-stream";
    private static final byte[] PREAMBLE = "retry: 2000\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final JobEvents events;
    private final Scope scope;
    private final String lastEventId;
    private final EventFrames frames;
    private final Duration heartbeat;
    private final Duration lifetime;
    private final Duration wait;

    private ApiResponse.Transport transport;
    private Subscription subscription;
    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    /** A write is under way: nothing else may be written until it is done. */
    private boolean writing;
    private boolean wroteSinceBeat;
    /** The stream is to end once the write under way (if any) is done. */
    private boolean ending;
    private boolean finished;

    /**
     * @param lifetime how long an open stream lasts (zero: what is kept after the client's id, then the end)
     * @param wait how long {@link #collect()} waits for a first event
     */
    EventStream(JobEvents events, Scope scope, String lastEventId, EventFrames frames, Duration heartbeat, Duration lifetime,
                Duration wait) {
        this.events = events;
        this.scope = scope;
        this.lastEventId = lastEventId;
        this.frames = frames;
        this.heartbeat = heartbeat;
        this.lifetime = lifetime;
        this.wait = wait;
    }

    @Override
    public void open(ApiResponse.Transport to) {
        if (lifetime.isZero()) {
            // What is kept after the client's id, then the end.
            List<Delivered> kept = first(events, scope, lastEventId, Duration.ZERO).join();
            synchronized (this) {
                transport = to;
                writing = true;
                ending = true;
            }
            to.write(kept.isEmpty() ? PREAMBLE : concat(PREAMBLE, frame(kept)), this::written);
            return;
        }
        synchronized (this) {
            transport = to;
            writing = true; // the preamble first; what the subscription queues meanwhile follows it
        }
        // Subscribed before anything is written: a client that has read the preamble misses nothing after it.
        Subscription s = events.subscribe(scope, lastEventId, this::pump);
        synchronized (this) {
            subscription = s;
            timers.add(events.every(this::beat, heartbeat));
            timers.add(events.schedule(this::end, lifetime));
        }
        to.write(PREAMBLE, this::written);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** Writes what is queued, unless a write is under way (its completion pumps again). */
    private void pump() {
        byte[] chunk;
        synchronized (this) {
            if (writing || ending || subscription == null) {
                return;
            }
            List<Delivered> batch = subscription.take();
            if (batch.isEmpty()) {
                if (!subscription.isClosed()) {
                    return;
                }
                ending = true; // the host stops, or the client fell too far behind
            } else {
                writing = true;
                wroteSinceBeat = true;
            }
            chunk = batch.isEmpty() ? null : frame(batch);
        }
        if (chunk == null) {
            finish();
        } else {
            transport.write(chunk, this::written);
        }
    }

    /** A write is done: the stream ends if it was asked to (or the write failed), else writes on. */
    private void written(Throwable failure) {
        boolean end;
        synchronized (this) {
            writing = false;
            if (failure != null) {
                ending = true;
            }
            end = ending;
        }
        if (end) {
            finish();
        } else {
            pump();
        }
    }

    private void beat() {
        synchronized (this) {
            if (writing || ending) {
                return;
            }
            if (wroteSinceBeat) {
                wroteSinceBeat = false;
                return;
            }
            writing = true;
        }
        transport.write(KEEP_ALIVE, this::written);
    }

    /** Ends the stream once the write under way (if any) is done. */
    private void end() {
        synchronized (this) {
            ending = true;
            if (writing) {
                return; // written() finishes
            }
        }
        finish();
    }

    private void finish() {
        Subscription s;
        List<ScheduledFuture<?>> cancel;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            s = subscription;
            cancel = List.copyOf(timers);
        }
        cancel.forEach(t -> t.cancel(false));
        if (s != null) {
            s.close();
        }
        transport.end();
    }

    @Override
    public CompletableFuture<byte[]> collect() {
        return first(events, scope, lastEventId, wait).thenApply(batch -> batch.isEmpty() ? PREAMBLE.clone() : concat(PREAMBLE, frame(batch)));
    }

    /**
     * The events after {@code lastEventId} in {@code scope}: those kept, or else the first to come
     * within {@code wait} (empty when none came). Parks no thread meanwhile.
     */
    static CompletableFuture<List<Delivered>> first(JobEvents events, Scope scope, String lastEventId, Duration wait) {
        CompletableFuture<List<Delivered>> answer = new CompletableFuture<>();
        AtomicReference<Subscription> held = new AtomicReference<>();
        Runnable ready = () -> {
            Subscription s = held.get();
            if (s != null && !answer.isDone()) {
                List<Delivered> batch = s.take();
                if (!batch.isEmpty() || s.isClosed()) {
                    answer.complete(batch);
                }
            }
        };
        Subscription s = events.subscribe(scope, lastEventId, ready);
        held.set(s);
        ready.run(); // what was replayed, or came before the reference was set
        if (!answer.isDone()) {
            if (wait.isZero()) {
                answer.complete(List.of());
            } else {
                ScheduledFuture<?> timeout = events.schedule(() -> answer.complete(List.of()), wait);
                answer.whenComplete((batch, failure) -> timeout.cancel(false));
            }
        }
        answer.whenComplete((batch, failure) -> s.close());
        return answer;
    }

    private byte[] frame(List<Delivered> batch) {
        return frames.frames(batch);
    }
}
