package io.controlplane.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.Json;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentCommand;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Messaging} picks the agent push channel the settings name. */
class MessagingAgentChannelTest {

    @Test
    void storageQueuesHaveNoPushChannelAgentsHearCommandsInHeartbeats() {
        ControlPlaneSettings settings = ControlPlaneSettings.from(Map.of(ControlPlaneSettings.AUTH_DEV_ISSUER, "true",
                ControlPlaneSettings.REGIONS, "westeurope",
                ControlPlaneSettings.STORAGE_CONNECTION_STRING, "UseDevelopmentStorage=true"));

        try (AgentChannel channel = Messaging.agentChannel(settings, Json.mapper())) {
            // Nothing to reach: a push goes nowhere, quietly.
            channel.send("agent-7", AgentCommand.cancel("lease-1", "job-1", "cancelled"));
            assertThat(channel.getClass()).isEqualTo(AgentChannel.none().getClass());
        }
    }

    @Test
    void serviceBusIsChosenByTheMessagingSettingAndBuildsWithoutConnecting() {
        ControlPlaneSettings settings = ControlPlaneSettings.from(Map.of(ControlPlaneSettings.AUTH_DEV_ISSUER, "true",
                ControlPlaneSettings.REGIONS, "westeurope",
                ControlPlaneSettings.STORAGE_CONNECTION_STRING, "UseDevelopmentStorage=true",
                ControlPlaneSettings.MESSAGING, "servicebus",
                ControlPlaneSettings.SERVICEBUS_NAMESPACE, "contoso-test.servicebus.windows.net"));
        long start = System.nanoTime();

        try (AgentChannel channel = Messaging.agentChannel(settings, Json.mapper(), Clock.systemUTC())) {
            // Package-private adapter classes: the simple name is all a caller outside can see.
            assertThat(channel.getClass().getSimpleName()).isEqualTo("ServiceBusAgentChannel");
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
