package io.controlplane.adapters.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import io.controlplane.api.Json;
import io.controlplane.ports.AgentChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real SDK builds the agent command sender as {@link SdkServiceBusClients} configures it,
 * without a network (nothing connects until the first send). Only the live test can tell whether
 * a namespace accepts it.
 */
@Timeout(30)
class ServiceBusAgentChannelWiringTest {

    /** A made-up namespace and key: never contacted. */
    private static final String CONNECTION_STRING = "Endpoint=sb://contoso-test.servicebus.windows.net/;"
            + "SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=bm90LWEtcmVhbC1rZXktbm90LWEtcmVhbC1rZXk=";

    @Test
    void aConnectionStringBuildsAnAsyncSenderForTheQueue() {
        ServiceBusSenderAsyncClient sender = new SdkServiceBusClients(CONNECTION_STRING, null).asyncSender("agent-commands");

        try {
            assertThat(sender.getEntityPath()).isEqualTo("agent-commands");
            assertThat(sender.getFullyQualifiedNamespace()).isEqualTo("contoso-test.servicebus.windows.net");
        } finally {
            sender.close();
        }
    }

    @Test
    void theFactoryBuildsTheChannelWithoutConnecting() {
        long start = System.nanoTime();

        try (AgentChannel channel = ServiceBusQueues.builder().connectionString(CONNECTION_STRING).queuePrefix("dev-")
                .json(Json.mapper()).buildAgentChannel()) {
            assertThat(channel).isInstanceOf(ServiceBusAgentChannel.class);
            assertThat(((ServiceBusAgentChannel) channel).queueName()).isEqualTo("dev-agent-commands");
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no connection attempt on build").isLessThan(Duration.ofSeconds(10));
    }
}
