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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that drains one queue ({@link OneQueue}) into a handler, one message at a time:
 * deleted once the handler returns, visible again after the retry delay when it throws, moved to
 * the poison queue after {@code maxDequeueCount} deliveries, and at once when its body does not
 * decode. The same rules as {@link QueuePoller}, for a queue that is not a tier.
 */
final class OneQueuePoller<T> implements IntakeQueue.Subscription {

    /** What a body is read as; throws when it is none. */
    interface Decoder<T> {
        T decode(byte[] body) throws MalformedIntakeMessageException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(OneQueuePoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final OneQueue queue;
    private final Decoder<T> decoder;
    private final Consumer<T> handler;
    private final PollingOptions options;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    OneQueuePoller(OneQueue queue, Decoder<T> decoder, Consumer<T> handler, PollingOptions options) {
        this.queue = queue;
        this.decoder = decoder;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.options = options;
        this.thread = new Thread(this::run, queue.logKind() + "-poller-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("event={}_poller_died thread={} queue={} error={}",
                queue.logKind(), t.getName(), queue.name(), e.getClass().getName(), e));
    }

    OneQueuePoller<T> start() {
        thread.start();
        return this;
    }

    private boolean running() {
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
                LOG.warn("event={}_poll_failed queue={} error={} status={}", queue.logKind(), queue.name(),
                        e.getClass().getName(),
                        e instanceof QueueStorageException s ? s.getStatusCode() + " " + s.getErrorCode() : "-");
                handled = false;
            }
            if (handled) {
                idle.reset();
            } else if (pause(idle.next())) {
                return;
            }
        }
    }

    /** One receive; true when it found messages (and handled them). */
    private boolean pollOnce() {
        List<QueueMessageItem> batch = queue.receive(options.batchSize(), options.visibilityTimeout());
        for (QueueMessageItem item : batch) {
            if (running()) {
                deliver(item);
            } else {
                // Received but not handled: visible again now rather than after the timeout.
                queue.release(item, Duration.ZERO);
            }
        }
        return !batch.isEmpty();
    }

    private void deliver(QueueMessageItem item) {
        if (item.getDequeueCount() > options.maxDequeueCount()) {
            // Its handler never returned (host crash, timeout): do not try again.
            queue.moveToPoison(item, "dequeued " + item.getDequeueCount() + " times without success");
            return;
        }
        T message;
        try {
            message = decoder.decode(item.getBody().toBytes());
        } catch (MalformedIntakeMessageException e) {
            queue.moveToPoison(item, e.getMessage());
            return;
        }
        try {
            handler.accept(message);
        } catch (Exception e) {
            LOG.warn("event={}_handler_failed queue={} messageId={} dequeueCount={} error={}", queue.logKind(), queue.name(),
                    item.getMessageId(), item.getDequeueCount(), e.getClass().getName());
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
            LOG.warn("event={}_poller_close_timeout thread={} timeoutMs={}", queue.logKind(), thread.getName(),
                    options.closeTimeout().toMillis());
        }
    }
}
