package io.controlplane.adapters.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.OfferNote;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent inboxes on Service Bus: the session-enabled queue {@code <prefix>agent-inbox} (created by
 * Bicep, duplicate detection on, messages live at most 5 minutes), SessionId = agent id. The address
 * an agent's poll gives is the agent itself, not the instance: whichever instance holds the agent's
 * session while the poll waits ({@link #listen}) receives the offer, and an offer that arrives
 * between two polls waits in the session for the next one, wherever it lands. MessageId =
 * {@link OfferNote#messageId()} (one per lease), TimeToLive up to the lease's expiry, so a stale offer
 * expires unread.
 *
 * <p>Posting is asynchronous and best effort (the port's rule): an offer that is lost is a
 * reservation whose lease expires unused, and its job is requeued.
 */
final class ServiceBusAgentInbox implements AgentInbox {

    static final String QUEUE = "agent-inbox";
    static final String CONTENT_TYPE = "application/json";
    static final String MALFORMED = "MalformedOffer";
    /** A poll waits 30 s at most; a listen that lasts longer lets go and takes the session again this often. */
    static final Duration MAX_SESSION_HOLD = Duration.ofMinutes(4);
    static final Duration LOCK_RENEWAL = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusAgentInbox.class);

    private final String queueName;
    private final DispatchCodec codec;
    private final Clock clock;
    private final Duration retryDelay;
    private final Logger log;
    private final SessionQueue queue;
    private volatile Consumer<OfferNote> handler;

    /** @param retryDelay how long a listen waits before it asks again for a session another instance holds */
    ServiceBusAgentInbox(ServiceBusClients clients, String prefix, DispatchCodec codec, Clock clock, Duration retryDelay,
            Logger log) {
        this.queueName = prefix + QUEUE;
        this.codec = codec;
        this.clock = clock;
        this.retryDelay = retryDelay;
        this.log = log == null ? LOG : log;
        this.queue = new SessionQueue(clients, queueName, LOCK_RENEWAL, this.log);
    }

    String queueName() {
        return queueName;
    }

    /** The agent's session: the offer reaches whichever instance receives it. */
    @Override
    public String replyTo(String agentId) {
        return Objects.requireNonNull(agentId, "agentId");
    }

    @Override
    public void post(String replyTo, OfferNote offer) {
        Objects.requireNonNull(replyTo, "replyTo");
        Objects.requireNonNull(offer, "offer");
        // Service Bus keeps TimeToLive in milliseconds.
        Duration timeToLive = Duration.between(clock.instant(), offer.expiresAt()).truncatedTo(ChronoUnit.MILLIS);
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            log.info("event=offer_not_posted queue={} session={} region={} agentId={} tenant={} jobId={} epoch={} reason=lease_expired",
                    queueName, replyTo, offer.region(), offer.agentId(), offer.tenantId(), offer.jobId(), offer.epoch());
            return;
        }
        try {
            ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(codec.encode(offer)))
                    .setSessionId(replyTo)
                    .setMessageId(offer.messageId())
                    .setContentType(CONTENT_TYPE)
                    .setTimeToLive(timeToLive);
            queue.sender().sendMessage(message).subscribe(sent -> { }, error -> postFailed(replyTo, offer, error));
        } catch (RuntimeException e) {
            postFailed(replyTo, offer, e);
        }
    }

    private void postFailed(String replyTo, OfferNote offer, Throwable error) {
        // No body and no lease id (the agent's handle on the job): ids and the error's class only.
        log.warn("event=offer_post_failed queue={} session={} region={} agentId={} tenant={} jobId={} epoch={} error={}",
                queueName, replyTo, offer.region(), offer.agentId(), offer.tenantId(), offer.jobId(), offer.epoch(),
                error.getClass().getName());
    }

    @Override
    public void deliverTo(Consumer<OfferNote> handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Accepts the agent's session (once) and delivers its offers until the handle is closed, then
     * releases it. While another instance's poll of the same agent holds the session, asks again every
     * {@code retryDelay}.
     */
    @Override
    public IntakeQueue.Subscription listen(String agentId) {
        Objects.requireNonNull(agentId, "agentId");
        return queue.pump(agentId, this::handle, retryDelay, MAX_SESSION_HOLD);
    }

    private SessionPump.Settlement handle(ServiceBusReceivedMessage received) {
        OfferNote offer;
        try {
            offer = codec.decodeOffer(received.getBody().toBytes());
        } catch (MalformedIntakeMessageException e) {
            log.warn("event=offer_dead_lettered queue={} session={} messageId={} reason={}", queueName,
                    received.getSessionId(), received.getMessageId(), MALFORMED);
            return SessionPump.Settlement.deadLetter(MALFORMED, e.getMessage());
        }
        Consumer<OfferNote> h = handler;
        if (h == null) {
            log.warn("event=offer_handler_missing queue={} agentId={} jobId={}", queueName, offer.agentId(), offer.jobId());
            return SessionPump.Settlement.ABANDON;
        }
        try {
            h.accept(offer);
            return SessionPump.Settlement.COMPLETE;
        } catch (RuntimeException e) {
            log.warn("event=offer_handler_failed queue={} agentId={} tenant={} jobId={} epoch={} attempt={} error={}", queueName,
                    offer.agentId(), offer.tenantId(), offer.jobId(), offer.epoch(), received.getDeliveryCount() + 1,
                    e.getClass().getName());
            return SessionPump.Settlement.ABANDON;
        }
    }

    /** Closes the sender and the session receiver; close the listens first. */
    @Override
    public void close() {
        queue.close();
    }
}
