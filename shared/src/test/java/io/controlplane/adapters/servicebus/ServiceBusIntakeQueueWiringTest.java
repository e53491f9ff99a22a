package io.controlplane.adapters.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real SDK builders accept how {@link SdkServiceBusClients} configures them, and name the right
 * entities, without a network: building Service Bus clients connects nothing until the first send
 * or start. (Whether the namespace then accepts them only the live test can tell.)
 */
@Timeout(30)
class ServiceBusIntakeQueueWiringTest {

    /** A made-up namespace and key: never contacted. */
    private static final String CONNECTION_STRING = "Endpoint=sb://contoso-test.servicebus.windows.net/;"
            + "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=bm90LWEtcmVhbC1rZXktbm90LWEtcmVhbC1rZXk=";

    @Test
    void aConnectionStringBuildsASenderAndASessionProcessorPerQueue() {
        SdkServiceBusClients sdk = new SdkServiceBusClients(CONNECTION_STRING, null);

        ServiceBusSenderClient sender = sdk.sender("jobs-platinum");
        ServiceBusProcessorClient processor = sdk.sessionProcessor("jobs-premium", 8, context -> { }, error -> { });

        try {
            assertThat(sender.getEntityPath()).isEqualTo("jobs-platinum");
            assertThat(sender.getFullyQualifiedNamespace()).isEqualTo("contoso-test.servicebus.windows.net");
            assertThat(processor.getQueueName()).isEqualTo("jobs-premium");
            assertThat(processor.isRunning()).isFalse();
        } finally {
            sender.close();
            processor.close();
        }
    }

    @Test
    void aNamespaceAloneBuildsClientsForManagedIdentity() {
        SdkServiceBusClients sdk = new SdkServiceBusClients(null, "contoso-prod.servicebus.windows.net");

        ServiceBusSenderClient sender = sdk.sender("jobs-standard");

        try {
            assertThat(sender.getFullyQualifiedNamespace()).isEqualTo("contoso-prod.servicebus.windows.net");
            assertThat(sender.getEntityPath()).isEqualTo("jobs-standard");
        } finally {
            sender.close();
        }
    }

    @Test
    void theFactoryBuildsTheThreeSendersUpFront() {
        long start = System.nanoTime();

        try (var queue = ServiceBusQueues.builder().connectionString(CONNECTION_STRING).json(io.controlplane.api.Json.mapper()).build()) {
            assertThat(queue).isInstanceOf(ServiceBusIntakeQueue.class);
            assertThat(((ServiceBusIntakeQueue) queue).queueName(io.controlplane.domain.Tier.Premium)).isEqualTo("jobs-premium");
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no connection attempt on build").isLessThan(Duration.ofSeconds(10));
    }
}
