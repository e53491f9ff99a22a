package io.controlplane.adapters.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatch bus on Service Bus: the session-enabled queue {@code <prefix>dispatch} (created by
 * Bicep, duplicate detection on, messages live 10 minutes), SessionId = region, so whoever holds a
 * region's session is its one dispatcher: the session-triggered function in Azure, or
 * {@link #subscribe} in the standalone host. MessageId = {@link DispatchEvent#messageId()}, so an
 * event sent twice is one. An {@link DispatchEvent.Asks} lives only until its poll gives up.
 *
 * <p>Sending is asynchronous and best effort (the port's rule): the SDK's retries never hold up the
 * caller, and a failure is logged and dropped; the dispatcher's timer and the agent's next poll say
 * again what a lost event said.
 */
final class ServiceBusDispatchBus implements DispatchBus {

    static final String QUEUE = "dispatch";
    static final String CONTENT_TYPE = "application/json";
    static final String MALFORMED = "MalformedDispatchEvent";
    static final String HANDLER_FAILED = "HandlerFailed";
    /** The shortest life of an {@code Asks}: one whose poll is about to end is still worth a look. */
    static final Duration MIN_ASKS_TIME_TO_LIVE = Duration.ofSeconds(1);
    /** A subscriber lets go of its region's session and takes it again this often (below the lock renewal). */
    static final Duration MAX_SESSION_HOLD = Duration.ofMinutes(30);
    static final Duration LOCK_RENEWAL = MAX_SESSION_HOLD.plusMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusDispatchBus.class);

    private final String queueName;
    private final DispatchCodec codec;
    private final Clock clock;
    private final int maxDeliveries;
    private final Duration retryDelay;
    private final Logger log;
    private final SessionQueue queue;

    /**
     * @param maxDeliveries dead-letter here after this many failed deliveries; 0 leaves it to the
     *                      queue's MaxDeliveryCount
     * @param retryDelay    how long a subscriber waits before it asks again for a session it could not
     *                      have or lost
     */
    ServiceBusDispatchBus(ServiceBusClients clients, String prefix, DispatchCodec codec, Clock clock, int maxDeliveries,
            Duration retryDelay, Logger log) {
        this.queueName = prefix + QUEUE;
        this.codec = codec;
        this.clock = clock;
        this.maxDeliveries = maxDeliveries;
        this.retryDelay = retryDelay;
        this.log = log == null ? LOG : log;
        this.queue = new SessionQueue(clients, queueName, LOCK_RENEWAL, this.log);
    }

    String queueName() {
        return queueName;
    }

    @Override
    public void send(DispatchEvent event) {
        Objects.requireNonNull(event, "event");
        try {
            ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(codec.encode(event)))
                    .setSessionId(event.region())
                    .setMessageId(event.messageId())
                    .setContentType(CONTENT_TYPE);
            if (event instanceof DispatchEvent.Asks asks) {
                // Service Bus keeps TimeToLive in milliseconds.
                Duration left = Duration.between(clock.instant(), asks.until()).truncatedTo(ChronoUnit.MILLIS);
                message.setTimeToLive(left.compareTo(MIN_ASKS_TIME_TO_LIVE) < 0 ? MIN_ASKS_TIME_TO_LIVE : left);
            }
            queue.sender().sendMessage(message).subscribe(sent -> { }, error -> sendFailed(event, error));
        } catch (RuntimeException e) {
            sendFailed(event, e);
        }
    }

    private void sendFailed(DispatchEvent event, Throwable error) {
        // No body: the event's kind and ids only, and the error's class.
        log.warn("event=dispatch_send_failed queue={} region={} type={} messageId={} error={}", queueName, event.region(),
                event.getClass().getSimpleName(), event.messageId(), error.getClass().getName());
    }

    /**
     * Receives the region's session until closed (the standalone leader of the region). While another
     * receiver holds the session this one asks again every {@code retryDelay}: there is one receiver of
     * a region at a time, whatever the callers believe.
     */
    @Override
    public IntakeQueue.Subscription subscribe(String region, Consumer<DispatchEvent> handler) {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(handler, "handler");
        return queue.pump(region, message -> handle(region, message, handler), retryDelay, MAX_SESSION_HOLD);
    }

    /** Complete after the handler returns; abandon when it throws; dead-letter a body that can never parse. */
    private SessionPump.Settlement handle(String region, ServiceBusReceivedMessage received, Consumer<DispatchEvent> handler) {
        DispatchEvent event;
        try {
            event = codec.decodeEvent(received.getBody().toBytes());
        } catch (MalformedIntakeMessageException e) {
            log.warn("event=dispatch_dead_lettered queue={} region={} messageId={} reason={}", queueName, region,
                    received.getMessageId(), MALFORMED);
            return SessionPump.Settlement.deadLetter(MALFORMED, e.getMessage());
        }
        try {
            handler.accept(event);
            return SessionPump.Settlement.COMPLETE;
        } catch (RuntimeException e) {
            // The SDK's delivery count is the AMQP header's: deliveries before this one.
            long attempt = received.getDeliveryCount() + 1;
            log.warn("event=dispatch_handler_failed queue={} region={} type={} messageId={} attempt={} error={}", queueName,
                    region, event.getClass().getSimpleName(), received.getMessageId(), attempt, e.getClass().getName());
            if (maxDeliveries > 0 && attempt >= maxDeliveries) {
                return SessionPump.Settlement.deadLetter(HANDLER_FAILED,
                        "handler failed " + attempt + " times, last with " + e.getClass().getName());
            }
            return SessionPump.Settlement.ABANDON;
        }
    }

    /** Closes the sender and the session receiver; an event still being sent is dropped. */
    @Override
    public void close() {
        queue.close();
    }
}
