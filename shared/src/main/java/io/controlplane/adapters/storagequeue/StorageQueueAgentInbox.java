package io.controlplane.adapters.storagequeue;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.QueueMessageDecodingError;
import com.azure.storage.queue.models.QueueStorageException;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.OfferNote;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone host's agent inbox: a Storage queue per instance, {@code <prefix>offers-<instance>},
 * whose name is the address ({@link #replyTo}) every poll waiting on this instance gives. A
 * dispatcher posts an offer to that queue; it lives until the offer expires (a later one would be
 * stale anyway). Every offer to the instance arrives whichever agent it is for, so {@link #listen}
 * holds nothing open. The queue is created when delivery starts and deleted at close: an instance
 * that is gone has no inbox, and a post to it is dropped (its lease expires unused, its job is
 * requeued).
 */
public final class StorageQueueAgentInbox implements AgentInbox {

    private static final Logger LOG = LoggerFactory.getLogger(StorageQueueAgentInbox.class);
    /** Storage's shortest time-to-live that is not "forever" is a second. */
    private static final Duration MIN_TIME_TO_LIVE = Duration.ofSeconds(1);

    private final DispatchCodec codec;
    private final PollingOptions options;
    private final Clock clock;
    private final ThreadPoolExecutor sending;
    private final String address;
    private OneQueue own;
    private QueueServiceClient encoded;
    private QueueServiceClient raw;
    private volatile OneQueuePoller<OfferNote> poller;

    private StorageQueueAgentInbox(Builder builder) {
        this.codec = new DispatchCodec(builder.json);
        this.options = builder.options();
        this.clock = builder.clock;
        this.address = new QueueNames(builder.queuePrefix).offers(builder.instanceId);
        this.sending = builder.sender("offers-send", () -> LOG.warn("event=offer_post_failed reason=backlog_full"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for {@link #build()}, which checks them all and names every problem; no I/O until delivery starts. */
    public static final class Builder extends PollingBuilder<Builder> {
        private String instanceId;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** This instance's id (any text: it is sanitized into the queue name). */
        public Builder instanceId(String value) { this.instanceId = value; return this; }

        /** What an offer's time-to-live is measured on (default: the system clock). */
        public Builder clock(Clock value) { this.clock = value; return this; }

        public StorageQueueAgentInbox build() {
            var problems = problems();
            if (instanceId == null || instanceId.isBlank()) {
                problems.add("an instance id is required");
            }
            if (clock == null) {
                problems.add("a clock is required");
            }
            check("Storage Queue agent inbox", problems);
            StorageQueueAgentInbox inbox = new StorageQueueAgentInbox(this);
            QueueServiceClient[] clients = clients(inbox::moveUndecodable);
            inbox.encoded = clients[0];
            inbox.raw = clients[1];
            inbox.own = new OneQueue(inbox.address, "offers", inbox.encoded, inbox.raw);
            return inbox;
        }
    }

    /** This instance's queue name, whichever agent asks. */
    @Override
    public String replyTo(String agentId) {
        return address;
    }

    @Override
    public void post(String replyTo, OfferNote offer) {
        Objects.requireNonNull(offer, "offer");
        try {
            sending.execute(() -> postNow(replyTo, offer));
        } catch (RuntimeException e) {
            // Closed: nothing more is posted.
            LOG.warn("event=offer_post_failed replyTo={} agentId={} jobId={} tenant={} error={}", replyTo, offer.agentId(),
                    offer.jobId(), offer.tenantId(), e.getClass().getName());
        }
    }

    private void postNow(String replyTo, OfferNote offer) {
        if (!QueueNames.isValidQueueName(replyTo)) {
            LOG.warn("event=offer_post_failed replyTo={} agentId={} jobId={} tenant={} reason=not_a_queue_name",
                    replyTo, offer.agentId(), offer.jobId(), offer.tenantId());
            return;
        }
        Duration ttl = Duration.between(clock.instant(), offer.expiresAt());
        if (ttl.compareTo(MIN_TIME_TO_LIVE) < 0) {
            ttl = MIN_TIME_TO_LIVE;
        }
        try {
            // No create: a queue that is missing belongs to an instance that has stopped.
            encoded.getQueueClient(replyTo).sendMessageWithResponse(
                    BinaryData.fromBytes(codec.encode(offer)), null, ttl, null,
                    Context.NONE);
        } catch (QueueStorageException e) {
            if (e.getStatusCode() == 404) {
                LOG.info("event=offer_dropped replyTo={} agentId={} jobId={} tenant={} reason=no_such_inbox", replyTo,
                        offer.agentId(), offer.jobId(), offer.tenantId());
            } else {
                LOG.warn("event=offer_post_failed replyTo={} agentId={} jobId={} tenant={} status={}", replyTo,
                        offer.agentId(), offer.jobId(), offer.tenantId(), e.getStatusCode() + " " + e.getErrorCode());
            }
        } catch (RuntimeException e) {
            LOG.warn("event=offer_post_failed replyTo={} agentId={} jobId={} tenant={} error={}", replyTo, offer.agentId(),
                    offer.jobId(), offer.tenantId(), e.getClass().getName());
        }
    }

    /**
     * Creates this instance's queue, so that an address handed out from now on can be posted to,
     * and polls it. Storage that does not answer yet does not fail the start: the polling thread
     * creates the queue when it can (posts meanwhile are dropped, as to any missing inbox).
     */
    @Override
    public synchronized void deliverTo(Consumer<OfferNote> handler) {
        if (poller != null) {
            throw new IllegalStateException("offers are already delivered to a handler");
        }
        try {
            own.ensureCreated();
        } catch (RuntimeException e) {
            LOG.warn("event=offers_queue_create_failed queue={} error={} note=the_poller_tries_again", address,
                    e.getClass().getName());
        }
        poller = new OneQueuePoller<>(own, codec::decodeOffer, handler, options).start();
    }

    /** Nothing to open: every offer to this instance reaches it. */
    @Override
    public IntakeQueue.Subscription listen(String agentId) {
        return () -> { };
    }

    /** Stops polling, lets pending posts go (a few seconds at most), and deletes this instance's queue. */
    @Override
    public void close() {
        OneQueuePoller<OfferNote> running;
        synchronized (this) {
            running = poller;
        }
        if (running != null) {
            running.close();
        }
        sending.shutdown();
        try {
            if (!sending.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("event=offer_post_close_timeout pending={}", sending.getQueue().size());
                sending.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            own.delete();
        } catch (RuntimeException e) {
            LOG.warn("event=offers_queue_delete_failed queue={} error={}", address, e.getClass().getName());
        }
    }

    private void moveUndecodable(QueueMessageDecodingError error) {
        if (error.getQueueMessageItem() != null && address.equals(error.getQueueAsyncClient().getQueueName())) {
            own.moveUndecodable(error.getQueueMessageItem());
        }
    }
}
