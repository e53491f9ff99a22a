package io.controlplane.adapters.storagequeue;

import com.azure.storage.queue.models.QueueMessageItem;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that drains the tier queues for one subscription. Each round asks Platinum
 * first and handles the first non-empty batch, then starts over from Platinum, so a waiting
 * higher tier is never behind more than one batch of a lower one. Handlers run one at a time.
 * Delivery, settlement and closing are {@link Poller}'s.
 */
final class QueuePoller extends Poller<QueuePoller.TierQueue, IntakeMessage> {

    /** One tier's queue of the intake queues, as a {@link Poller.Settlement}. */
    record TierQueue(StorageQueueIntakeQueue queues, Tier tier) implements Poller.Settlement {
        @Override
        public void delete(QueueMessageItem item) {
            queues.delete(tier, item);
        }

        @Override
        public void release(QueueMessageItem item, Duration delay) {
            queues.release(tier, item, delay);
        }

        @Override
        public void moveToPoison(QueueMessageItem item, String reason) {
            queues.moveToPoison(tier, item, reason);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(QueuePoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final StorageQueueIntakeQueue queues;

    QueuePoller(StorageQueueIntakeQueue queues, Consumer<IntakeMessage> handler, PollingOptions options) {
        super(handler, options, () -> "intake-poller-" + THREADS.incrementAndGet(), (t, e) ->
                LOG.error("event=intake_poller_died thread={} error={}", t.getName(), e.getClass().getName(), e));
        this.queues = queues;
    }

    void start() {
        startThread();
    }

    /** One round; true when a batch was found (and handled). */
    @Override
    boolean pollOnce() {
        for (Tier tier : QueueNames.HIGHEST_TIER_FIRST) {
            List<QueueMessageItem> batch = queues.receive(tier);
            if (!batch.isEmpty()) {
                handleAll(batch, new TierQueue(queues, tier));
                return true;
            }
        }
        return false;
    }

    @Override
    IntakeMessage decode(QueueMessageItem item) throws MalformedIntakeMessageException {
        return queues.decode(item);
    }

    @Override
    void logPollFailed(RuntimeException e) {
        LOG.warn("event=intake_poll_failed error={} status={}", e.getClass().getName(), status(e));
    }

    @Override
    void logHandlerFailed(TierQueue failed, QueueMessageItem item, IntakeMessage message, Exception e) {
        LOG.warn("event=intake_handler_failed queue={} messageId={} dequeueCount={} jobId={} tenant={} region={} error={}",
                queues.queueName(failed.tier()), item.getMessageId(), item.getDequeueCount(), message.jobId(),
                message.tenantId(), message.region(), e.getClass().getName());
    }

    @Override
    void logCloseTimeout(String threadName, long timeoutMs) {
        LOG.warn("event=intake_poller_close_timeout thread={} timeoutMs={}", threadName, timeoutMs);
    }
}
