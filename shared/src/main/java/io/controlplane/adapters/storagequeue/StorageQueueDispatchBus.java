package io.controlplane.adapters.storagequeue;

import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.QueueMessageDecodingError;
import com.azure.storage.queue.models.QueueStorageException;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone host's dispatch bus: a Storage queue per region, {@code <prefix>dispatch-<region>}
 * (and its {@code -poison} queue), created on first use. Any instance sends; only the region's
 * leader subscribes. Bodies are Base64 of {@link DispatchCodec}'s JSON; an event lives at most
 * {@code eventTimeToLive}, an {@code Asks} until its poll ends. Sends run on threads of
 * the bus's own, so a slow or retrying account never holds up a request or the dispatcher; a send
 * that fails is logged and dropped (events are hints: the tables stay the truth).
 */
public final class StorageQueueDispatchBus implements DispatchBus {

    private static final Logger LOG = LoggerFactory.getLogger(StorageQueueDispatchBus.class);
    /** Storage's shortest time-to-live that is not "forever". */
    private static final Duration MIN_TIME_TO_LIVE = Duration.ofSeconds(1);

    private final QueueNames names;
    private final DispatchCodec codec;
    private final PollingOptions options;
    private final ThreadPoolExecutor sending;
    private final Duration timeToLive;
    private final Clock clock;
    private final Map<String, OneQueue> queues = new ConcurrentHashMap<>();
    private QueueServiceClient encoded;
    private QueueServiceClient raw;

    private StorageQueueDispatchBus(Builder builder) {
        this.names = new QueueNames(builder.queuePrefix);
        this.codec = new DispatchCodec(builder.json);
        this.options = builder.options();
        this.timeToLive = builder.eventTimeToLive;
        this.clock = builder.clock;
        this.sending = builder.sender("dispatch-send",
                () -> LOG.warn("event=dispatch_send_failed reason=backlog_full"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for {@link #build()}, which checks them all and names every problem; no I/O until first use. */
    public static final class Builder extends PollingBuilder<Builder> {
        private Duration eventTimeToLive = Duration.ofMinutes(10);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * How long an event waits for the region's leader (default 10 min; an {@code Asks} at most
         * until its poll ends): a region without a leader for a while does not pile up stale hints
         * for the next one, which looks at the tables anyway.
         */
        public Builder eventTimeToLive(Duration value) { this.eventTimeToLive = value; return this; }

        /** What an {@code Asks}'s end is measured on (default: the system clock). */
        public Builder clock(Clock value) { this.clock = value; return this; }

        public StorageQueueDispatchBus build() {
            List<String> problems = problems();
            if (!StorageQueues.within(eventTimeToLive, MIN_TIME_TO_LIVE, Duration.ofDays(7))) {
                problems.add("eventTimeToLive must be from 1 s to 7 days");
            }
            if (clock == null) {
                problems.add("a clock is required");
            }
            check("Storage Queue dispatch bus", problems);
            StorageQueueDispatchBus bus = new StorageQueueDispatchBus(this);
            QueueServiceClient[] clients = clients(bus::moveUndecodable);
            bus.encoded = clients[0];
            bus.raw = clients[1];
            return bus;
        }
    }

    /**
     * The queue's name for a region: {@code <prefix>dispatch-<region>}, the region in lower case with
     * anything else a queue name cannot hold made a hyphen.
     *
     * @throws IllegalArgumentException when the region cannot make a valid queue name
     */
    public String queueName(String region) {
        return names.dispatch(region);
    }

    private OneQueue queue(String region) {
        return queues.computeIfAbsent(names.dispatch(region), name -> new OneQueue(name, "dispatch", encoded, raw));
    }

    @Override
    public void send(DispatchEvent event) {
        Objects.requireNonNull(event, "event");
        try {
            sending.execute(() -> sendNow(event));
        } catch (RuntimeException e) {
            // Closed: nothing more is sent.
            LOG.warn("event=dispatch_send_failed region={} messageId={} error={}", event.region(), event.messageId(),
                    e.getClass().getName());
        }
    }

    private void sendNow(DispatchEvent event) {
        try {
            queue(event.region()).send(codec.encode(event), timeToLive(event));
        } catch (RuntimeException e) {
            LOG.warn("event=dispatch_send_failed region={} messageId={} error={} status={}", event.region(), event.messageId(),
                    e.getClass().getName(),
                    e instanceof QueueStorageException s ? s.getStatusCode() + " " + s.getErrorCode() : "-");
        }
    }

    private Duration timeToLive(DispatchEvent event) {
        if (event instanceof DispatchEvent.Asks asks) {
            Duration left = Duration.between(clock.instant(), asks.until());
            return left.compareTo(MIN_TIME_TO_LIVE) < 0 ? MIN_TIME_TO_LIVE : left.compareTo(timeToLive) > 0 ? timeToLive : left;
        }
        return timeToLive;
    }

    /**
     * Polls the region's queue (created if missing) on a thread of its own until closed.
     *
     * @throws IllegalArgumentException when the region cannot make a valid queue name
     */
    @Override
    public IntakeQueue.Subscription subscribe(String region, Consumer<DispatchEvent> handler) {
        Objects.requireNonNull(handler, "handler");
        return new OneQueuePoller<>(queue(region), codec::decodeEvent, handler, options).start();
    }

    /** Moves a body that is not even Base64 aside, so it cannot fail every receive of its queue. */
    private void moveUndecodable(QueueMessageDecodingError error) {
        if (error.getQueueMessageItem() == null) {
            return; // a peek, not a receive: nothing to move
        }
        OneQueue queue = queues.get(error.getQueueAsyncClient().getQueueName());
        if (queue != null) {
            queue.moveUndecodable(error.getQueueMessageItem());
        }
    }

    /** Lets the sends already handed over finish (a few seconds at most), then sends nothing more. */
    @Override
    public void close() {
        sending.shutdown();
        try {
            if (!sending.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("event=dispatch_send_close_timeout pending={}", sending.getQueue().size());
                sending.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the queues this bus has used (tests and tear-down). */
    void deleteQueues() {
        queues.values().forEach(OneQueue::delete);
    }
}
