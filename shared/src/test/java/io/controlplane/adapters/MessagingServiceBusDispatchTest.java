package io.controlplane.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.Json;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.DispatchBus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With {@code MESSAGING=servicebus}, {@link Messaging} builds the Service Bus dispatch bus and inboxes, without connecting. */
class MessagingServiceBusDispatchTest {

    private static final ControlPlaneSettings SETTINGS = ControlPlaneSettings.from(Map.of(ControlPlaneSettings.AUTH_DEV_ISSUER, "true",
            ControlPlaneSettings.REGIONS, "westeurope",
            ControlPlaneSettings.STORAGE_CONNECTION_STRING, "UseDevelopmentStorage=true",
            ControlPlaneSettings.MESSAGING, "servicebus",
            ControlPlaneSettings.SERVICEBUS_NAMESPACE, "contoso-test.servicebus.windows.net"));

    @Test
    void theDispatchBusIsTheDispatchSessionQueue() {
        long start = System.nanoTime();

        try (DispatchBus bus = Messaging.dispatchBus(SETTINGS, Json.mapper())) {
            // Package-private adapter classes: the simple name is all a caller outside can see.
            assertThat(bus.getClass().getSimpleName()).isEqualTo("ServiceBusDispatchBus");
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void theInboxIsTheAgentInboxSessionQueueAddressedByAgentNotInstance() {
        try (AgentInbox inbox = Messaging.agentInbox(SETTINGS, Json.mapper(), "instance-a")) {
            assertThat(inbox.getClass().getSimpleName()).isEqualTo("ServiceBusAgentInbox");
            assertThat(inbox.replyTo("agent-7")).isEqualTo("agent-7");
        }
    }
}
