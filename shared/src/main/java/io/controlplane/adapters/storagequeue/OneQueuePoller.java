package io.controlplane.adapters.storagequeue;

import com.azure.storage.queue.models.QueueMessageItem;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that drains one queue ({@link OneQueue}) into a handler, one message at a time:
 * deleted once the handler returns, visible again after the retry delay when it throws, moved to
 * the poison queue after {@code maxDequeueCount} deliveries, and at once when its body does not
 * decode. The same rules as {@link QueuePoller} (both are a {@link Poller}), for a queue that is
 * not a tier.
 */
final class OneQueuePoller<T> extends Poller<OneQueue, T> {

    /** What a body is read as; throws when it is none. */
    interface Decoder<T> {
        T decode(byte[] body) throws MalformedIntakeMessageException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(OneQueuePoller.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final OneQueue queue;
    private final Decoder<T> decoder;

    OneQueuePoller(OneQueue queue, Decoder<T> decoder, Consumer<T> handler, PollingOptions options) {
        super(handler, options, () -> queue.logKind() + "-poller-" + THREADS.incrementAndGet(),
                (t, e) -> LOG.error("event={}_poller_died thread={} queue={} error={}",
                        queue.logKind(), t.getName(), queue.name(), e.getClass().getName(), e));
        this.queue = queue;
        this.decoder = decoder;
    }

    OneQueuePoller<T> start() {
        startThread();
        return this;
    }

    /** One receive; true when it found messages (and handled them). */
    @Override
    boolean pollOnce() {
        List<QueueMessageItem> batch = queue.receive(options.batchSize(), options.visibilityTimeout());
        handleAll(batch, queue);
        return !batch.isEmpty();
    }

    @Override
    T decode(QueueMessageItem item) throws MalformedIntakeMessageException {
        return decoder.decode(item.getBody().toBytes());
    }

    @Override
    void logPollFailed(RuntimeException e) {
        LOG.warn("event={}_poll_failed queue={} error={} status={}", queue.logKind(), queue.name(),
                e.getClass().getName(), status(e));
    }

    @Override
    void logHandlerFailed(OneQueue failed, QueueMessageItem item, T message, Exception e) {
        LOG.warn("event={}_handler_failed queue={} messageId={} dequeueCount={} error={}", failed.logKind(), failed.name(),
                item.getMessageId(), item.getDequeueCount(), e.getClass().getName());
    }

    @Override
    void logCloseTimeout(String threadName, long timeoutMs) {
        LOG.warn("event={}_poller_close_timeout thread={} timeoutMs={}", queue.logKind(), threadName, timeoutMs);
    }
}
