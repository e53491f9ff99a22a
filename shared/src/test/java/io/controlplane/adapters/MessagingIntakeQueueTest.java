package io.controlplane.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.QueueServiceVersion;
import io.controlplane.api.Json;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.testing.Azurite;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link Messaging} builds the adapter the settings name, from the settings' own names. */
class MessagingIntakeQueueTest {

    @Test
    void theDefaultIsStorageQueuesUnderTheQueuePrefix() throws Exception {
        String prefix = "m" + ProcessHandle.current().pid() + "-";
        ControlPlaneSettings settings = ControlPlaneSettings.from(Map.of(ControlPlaneSettings.AUTH_DEV_ISSUER, "true",
                ControlPlaneSettings.REGIONS, "westeurope",
                ControlPlaneSettings.STORAGE_CONNECTION_STRING, Azurite.shared().connectionString(),
                ControlPlaneSettings.QUEUE_PREFIX, prefix));
        List<IntakeMessage> handled = new CopyOnWriteArrayList<>();
        IntakeMessage message = new IntakeMessage("westeurope", Tier.Premium, "contoso", "job-1");

        try (IntakeQueue queue = Messaging.intakeQueue(settings, Json.mapper())) {
            IntakeQueue.Subscription subscription = queue.subscribe(handled::add);
            queue.publish(message);
            Instant deadline = Instant.now().plusSeconds(15);
            while (handled.isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            subscription.close();
        }

        assertThat(handled).containsExactly(message);
        var service = new QueueServiceClientBuilder().connectionString(Azurite.shared().connectionString())
                .serviceVersion(QueueServiceVersion.V2025_11_05).buildClient();
        assertThat(service.getQueueClient(prefix + "jobs-premium").getProperties()).isNotNull();
        for (Tier tier : Tier.values()) {
            String name = prefix + "jobs-" + tier.name().toLowerCase();
            service.getQueueClient(name).deleteIfExists();
            service.getQueueClient(name + "-poison").deleteIfExists();
        }
    }

    @Test
    void serviceBusIsChosenByTheMessagingSetting() {
        ControlPlaneSettings settings = ControlPlaneSettings.from(Map.of(ControlPlaneSettings.AUTH_DEV_ISSUER, "true",
                ControlPlaneSettings.REGIONS, "westeurope",
                ControlPlaneSettings.STORAGE_CONNECTION_STRING, "UseDevelopmentStorage=true",
                ControlPlaneSettings.MESSAGING, "servicebus",
                ControlPlaneSettings.SERVICEBUS_NAMESPACE, "contoso-test.servicebus.windows.net"));
        long start = System.nanoTime();

        try (IntakeQueue queue = Messaging.intakeQueue(settings, Json.mapper())) {
            // Package-private adapter classes: the simple name is all a caller outside can see.
            assertThat(queue.getClass().getSimpleName()).isEqualTo("ServiceBusIntakeQueue");
        }

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
