package io.controlplane.adapters.servicebus;

import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverAsyncClient;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The seam between the adapter and the SDK's builders: the only place that builds Service Bus
 * clients. Production uses {@link SdkServiceBusClients}; tests hand back Mockito mocks of the SDK's
 * own client classes, so the adapter's code runs unchanged against them.
 */
interface ServiceBusClients {

    /** A sender for one queue (built once per tier queue and kept). */
    ServiceBusSenderClient sender(String queueName);

    /** A sender that does not block its caller (agent commands: fire and forget). */
    ServiceBusSenderAsyncClient asyncSender(String queueName);

    /**
     * A session processor for one queue, peek-lock, auto-complete off: {@code processMessage}
     * settles every message itself.
     */
    ServiceBusProcessorClient sessionProcessor(String queueName, int maxConcurrentSessions,
            Consumer<ServiceBusReceivedMessageContext> processMessage, Consumer<ServiceBusErrorContext> processError);

    /**
     * A receiver of chosen sessions of one queue (dispatch: a region; agent-inbox: an agent), peek-lock,
     * auto-complete off: the caller settles every message itself. An accepted session's lock is renewed
     * for up to {@code maxLockRenewal}; each {@code acceptSession} is one AMQP link of the shared connection.
     */
    ServiceBusSessionReceiverAsyncClient sessionReceiver(String queueName, Duration maxLockRenewal);
}
