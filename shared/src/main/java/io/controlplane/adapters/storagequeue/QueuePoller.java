package io.controlplane.adapters.storagequeue;

import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
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
 * One daemon thread that drains the tier queues for one subscription. Each round asks Platinum
 * first and handles the first non-empty batch, then starts over from Platinum, so a waiting
 * higher tier is never behind more than one batch of a lower one. Handlers run one at a time.
 */
final class QueuePoller implements IntakeQueue.Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(QueuePoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final StorageQueueIntakeQueue queues;
    private final Consumer<IntakeMessage> handler;
    private final PollingOptions options;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    QueuePoller(StorageQueueIntakeQueue queues, Consumer<IntakeMessage> handler, PollingOptions options) {
        this.queues = queues;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.options = options;
        this.thread = new Thread(this::run, "intake-poller-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) ->
                LOG.error("event=intake_poller_died thread={} error={}", t.getName(), e.getClass().getName(), e));
    }

    void start() {
        thread.start();
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
                LOG.warn("event=intake_poll_failed error={} status={}", e.getClass().getName(),
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

    /** One round; true when a batch was found (and handled). */
    private boolean pollOnce() {
        for (Tier tier : QueueNames.HIGHEST_TIER_FIRST) {
            List<QueueMessageItem> batch = queues.receive(tier);
            if (!batch.isEmpty()) {
                for (QueueMessageItem item : batch) {
                    if (running()) {
                        deliver(tier, item);
                    } else {
                        // Received but not handled: visible again now rather than after the timeout.
                        queues.release(tier, item, Duration.ZERO);
                    }
                }
                return true;
            }
        }
        return false;
    }

    private void deliver(Tier tier, QueueMessageItem item) {
        if (item.getDequeueCount() > options.maxDequeueCount()) {
            // Its handler never returned (host crash, timeout): as in Functions, do not try again.
            queues.moveToPoison(tier, item, "dequeued " + item.getDequeueCount() + " times without success");
            return;
        }
        IntakeMessage message;
        try {
            message = queues.decode(item);
        } catch (MalformedIntakeMessageException e) {
            queues.moveToPoison(tier, item, e.getMessage());
            return;
        }
        try {
            handler.accept(message);
        } catch (Exception e) {
            LOG.warn("event=intake_handler_failed queue={} messageId={} dequeueCount={} jobId={} tenant={} region={} error={}",
                    queues.queueName(tier), item.getMessageId(), item.getDequeueCount(), message.jobId(),
                    message.tenantId(), message.region(), e.getClass().getName());
            if (item.getDequeueCount() >= options.maxDequeueCount()) {
                queues.moveToPoison(tier, item, "handler failed " + item.getDequeueCount() + " times, last with "
                        + e.getClass().getName());
            } else {
                queues.release(tier, item, options.retryDelay());
            }
            return;
        }
        queues.delete(tier, item);
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
            LOG.warn("event=intake_poller_close_timeout thread={} timeoutMs={}", thread.getName(),
                    options.closeTimeout().toMillis());
        }
    }
}
