package io.controlplane.adapters.servicebus;

import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.adapters.IntakeMessageCodec.MalformedIntakeMessageException;
import io.controlplane.ports.IntakeMessage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles every message it is given: complete after the handler returns; abandon when it throws,
 * so Service Bus delivers it again and dead-letters it after the queue's MaxDeliveryCount; dead-
 * letter at once a body that can never parse. With {@code maxDeliveries} set, the last allowed
 * failure is dead-lettered here (with the reason) instead of waiting for the queue's own limit.
 */
final class SessionMessageHandler implements Consumer<ServiceBusReceivedMessageContext> {

    static final String MALFORMED = "MalformedIntakeMessage";
    static final String HANDLER_FAILED = "HandlerFailed";

    private static final Logger LOG = LoggerFactory.getLogger(SessionMessageHandler.class);

    private final IntakeMessageCodec codec;
    private final Consumer<IntakeMessage> handler;
    private final int maxDeliveries;

    /** @param maxDeliveries 0 to leave dead-lettering to the queue's MaxDeliveryCount */
    SessionMessageHandler(IntakeMessageCodec codec, Consumer<IntakeMessage> handler, int maxDeliveries) {
        this.codec = codec;
        this.handler = handler;
        this.maxDeliveries = maxDeliveries;
    }

    @Override
    public void accept(ServiceBusReceivedMessageContext context) {
        ServiceBusReceivedMessage received = context.getMessage();
        IntakeMessage message;
        try {
            message = codec.decode(received.getBody().toBytes());
        } catch (MalformedIntakeMessageException e) {
            LOG.warn("event=intake_dead_lettered queue={} messageId={} reason={}", context.getEntityPath(),
                    received.getMessageId(), MALFORMED);
            context.deadLetter(new DeadLetterOptions().setDeadLetterReason(MALFORMED).setDeadLetterErrorDescription(e.getMessage()));
            return;
        }
        try {
            handler.accept(message);
        } catch (Exception e) {
            // The SDK's delivery count is the AMQP header's: deliveries before this one.
            long attempt = received.getDeliveryCount() + 1;
            LOG.warn("event=intake_handler_failed queue={} messageId={} attempt={} jobId={} tenant={} region={} error={}",
                    context.getEntityPath(), received.getMessageId(), attempt, message.jobId(), message.tenantId(),
                    message.region(), e.getClass().getName());
            if (maxDeliveries > 0 && attempt >= maxDeliveries) {
                context.deadLetter(new DeadLetterOptions().setDeadLetterReason(HANDLER_FAILED)
                        .setDeadLetterErrorDescription("handler failed " + attempt + " times, last with " + e.getClass().getName()));
            } else {
                context.abandon();
            }
            return;
        }
        context.complete();
    }
}
