package io.controlplane.adapters.servicebus;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverAsyncClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The real clients, all from one {@link ServiceBusClientBuilder} so they share one AMQP connection,
 * with the SDK's exponential AMQP retry policy.
 */
final class SdkServiceBusClients implements ServiceBusClients {

    private final ServiceBusClientBuilder builder;

    /** @param connectionString used when set; else {@code fullyQualifiedNamespace} with DefaultAzureCredential */
    SdkServiceBusClients(String connectionString, String fullyQualifiedNamespace) {
        ServiceBusClientBuilder b = new ServiceBusClientBuilder()
                .retryOptions(new AmqpRetryOptions()
                        .setMode(AmqpRetryMode.EXPONENTIAL)
                        .setMaxRetries(4)
                        .setDelay(Duration.ofMillis(500))
                        .setMaxDelay(Duration.ofSeconds(8))
                        .setTryTimeout(Duration.ofSeconds(30)));
        if (connectionString != null && !connectionString.isBlank()) {
            b.connectionString(connectionString);
        } else {
            b.fullyQualifiedNamespace(fullyQualifiedNamespace).credential(new DefaultAzureCredentialBuilder().build());
        }
        this.builder = b;
    }

    @Override
    public ServiceBusSenderClient sender(String queueName) {
        return builder.sender().queueName(queueName).buildClient();
    }

    @Override
    public ServiceBusSenderAsyncClient asyncSender(String queueName) {
        return builder.sender().queueName(queueName).buildAsyncClient();
    }

    @Override
    public ServiceBusProcessorClient sessionProcessor(String queueName, int maxConcurrentSessions,
            Consumer<ServiceBusReceivedMessageContext> processMessage, Consumer<ServiceBusErrorContext> processError) {
        return builder.sessionProcessor()
                .queueName(queueName)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .maxConcurrentSessions(maxConcurrentSessions)
                // One message at a time per session: dispatch for a region stays serialised.
                .maxConcurrentCalls(1)
                .disableAutoComplete()
                .processMessage(processMessage)
                .processError(processError)
                .buildProcessorClient();
    }

    @Override
    public ServiceBusSessionReceiverAsyncClient sessionReceiver(String queueName, Duration maxLockRenewal) {
        return builder.sessionReceiver()
                .queueName(queueName)
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK)
                .disableAutoComplete()
                .maxAutoLockRenewDuration(maxLockRenewal)
                .buildAsyncClient();
    }
}
