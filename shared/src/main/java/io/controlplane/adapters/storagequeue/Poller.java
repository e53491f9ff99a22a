package io.controlplane.adapters.storagequeue;

import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import io.controlplane.ports.IntakeQueue;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One daemon thread that drains queues into a handler, one message at a time: deleted once the
 * handler returns, visible again after the retry delay when it throws, moved to the poison queue
 * after {@code maxDequeueCount} deliveries, and at once when its body does not decode. What
 * {@link QueuePoller} (the tier queues) and {@link OneQueuePoller} (one queue) share; they say what
 * one round receives, how a body decodes, and what is logged.
 *
 * @param <Q> where a received message is settled
 * @param <T> what a body decodes to
 */
abstract class Poller<Q extends Poller.Settlement, T> implements IntakeQueue.Subscription {

    /** One queue's settlement of a received message (its poison queue included). */
    interface Settlement {
        /** The handler is done with it. */
        void delete(QueueMessageItem item);

        /** Visible again after {@code delay}. */
        void release(QueueMessageItem item, Duration delay);

        /** Copied to the poison queue, then deleted. */
        void moveToPoison(QueueMessageItem item, String reason);
    }

    final PollingOptions options;
    private final Consumer<T> handler;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    /**
     * @param threadName asked once, after {@code handler} is checked
     * @param onDied what the thread does with what escapes it
     */
    Poller(Consumer<T> handler, PollingOptions options, Supplier<String> threadName,
           Thread.UncaughtExceptionHandler onDied) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.options = options;
        this.thread = new Thread(this::run, threadName.get());
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(onDied);
    }

    /** One round; true when it found messages (and handled them, through {@link #handleAll}). */
    abstract boolean pollOnce();

    /** What a received body is; throws when it is none. */
    abstract T decode(QueueMessageItem item) throws MalformedIntakeMessageException;

    /** Logs a round that threw (the thread waits and asks again). */
    abstract void logPollFailed(RuntimeException e);

    /** Logs a handler that threw on {@code message} (before it is released or moved to poison). */
    abstract void logHandlerFailed(Q queue, QueueMessageItem item, T message, Exception e);

    /** Logs a close that waited {@code timeoutMs} for a handler still running on {@code threadName}. */
    abstract void logCloseTimeout(String threadName, long timeoutMs);

    /** For the poll-failed log line: the Storage status and error code, else {@code -}. */
    static String status(RuntimeException e) {
        return e instanceof QueueStorageException s ? s.getStatusCode() + " " + s.getErrorCode() : "-";
    }

    final void startThread() {
        thread.start();
    }

    final boolean running() {
        return stopping.getCount() > 0;
    }

    private void run() {
        IdleBackoff idle = new IdleBackoff(options.minIdleWait(), options.maxIdleWait());
        while (running()) {
            boolean handled;
            try {
                handled = pollOnce();
            } catch (RuntimeException e) {
                // Storage unreachable or throttling beyond the SDK's retries: wait and ask again.
                logPollFailed(e);
                handled = false;
            }
            if (handled) {
                idle.reset();
            } else if (pause(idle.next())) {
                return;
            }
        }
    }

    /** Delivers a received batch of {@code queue}, or, once closed, makes the rest visible again. */
    final void handleAll(List<QueueMessageItem> batch, Q queue) {
        for (QueueMessageItem item : batch) {
            if (running()) {
                deliver(queue, item);
            } else {
                // Received but not handled: visible again now rather than after the timeout.
                queue.release(item, Duration.ZERO);
            }
        }
    }

    private void deliver(Q queue, QueueMessageItem item) {
        if (item.getDequeueCount() > options.maxDequeueCount()) {
            // Its handler never returned (host crash, timeout): as in Functions, do not try again.
            queue.moveToPoison(item, "dequeued " + item.getDequeueCount() + " times without success");
            return;
        }
        T message;
        try {
            message = decode(item);
        } catch (MalformedIntakeMessageException e) {
            queue.moveToPoison(item, e.getMessage());
            return;
        }
        try {
            handler.accept(message);
        } catch (Exception e) {
            logHandlerFailed(queue, item, message, e);
            if (item.getDequeueCount() >= options.maxDequeueCount()) {
                queue.moveToPoison(item, "handler failed " + item.getDequeueCount() + " times, last with "
                        + e.getClass().getName());
            } else {
                queue.release(item, options.retryDelay());
            }
            return;
        }
        queue.delete(item);
    }

    /** Waits, or returns true at once when the subscription is closed. */
    private boolean pause(Duration wait) {
        try {
            return stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Stops polling at once when idle; a handler already running is let finish (up to the close
     * timeout) so no message is left half handled. No handler starts after this returns.
     */
    @Override
    public void close() {
        stopping.countDown();
        if (Thread.currentThread() == thread) {
            return; // closed from inside the handler: the loop ends when the handler returns
        }
        try {
            thread.join(options.closeTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            logCloseTimeout(thread.getName(), options.closeTimeout().toMillis());
        }
    }
}
