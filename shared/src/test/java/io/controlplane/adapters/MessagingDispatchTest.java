package io.controlplane.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobServiceClientBuilder;
import io.controlplane.adapters.blob.BlobRegionLeadership;
import io.controlplane.adapters.storagequeue.StorageQueueAgentInbox;
import io.controlplane.adapters.storagequeue.StorageQueueDispatchBus;
import io.controlplane.api.Json;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.OfferNote;
import io.controlplane.ports.RegionLeadership;
import io.controlplane.testing.Azurite;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** With Storage Queues, {@link Messaging} builds the standalone host's dispatch adapters from the settings. */
class MessagingDispatchTest {

    private final String prefix = "md" + ProcessHandle.current().pid() + "-";
    private final ControlPlaneSettings settings = ControlPlaneSettings.from(Map.of(ControlPlaneSettings.AUTH_DEV_ISSUER, "true",
            ControlPlaneSettings.REGIONS, "westeurope",
            ControlPlaneSettings.STORAGE_CONNECTION_STRING, Azurite.shared().connectionString(),
            ControlPlaneSettings.QUEUE_PREFIX, prefix));

    @Test
    void theDispatchBusAndTheInboxAreStorageQueuesUnderTheQueuePrefix() throws Exception {
        List<DispatchEvent> events = new CopyOnWriteArrayList<>();
        List<OfferNote> offers = new CopyOnWriteArrayList<>();
        DispatchEvent tick = new DispatchEvent.Tick("westeurope", Instant.now().truncatedTo(ChronoUnit.MILLIS));
        OfferNote offer = new OfferNote("westeurope", "agent-1", "contoso", "job-1", "lease-1", 1,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(60));

        try (DispatchBus bus = Messaging.dispatchBus(settings, Json.mapper());
             AgentInbox inbox = Messaging.agentInbox(settings, Json.mapper(), "host-1")) {
            assertThat(bus).isInstanceOf(StorageQueueDispatchBus.class);
            assertThat(inbox).isInstanceOf(StorageQueueAgentInbox.class);
            assertThat(inbox.replyTo("agent-1")).isEqualTo(prefix + "offers-host-1");
            inbox.deliverTo(offers::add);
            try (IntakeQueue.Subscription s = bus.subscribe("westeurope", events::add)) {
                bus.send(tick);
                inbox.post(inbox.replyTo("agent-1"), offer);
                await(() -> !events.isEmpty() && !offers.isEmpty());
            }
        }

        assertThat(events).containsExactly(tick);
        assertThat(offers).containsExactly(offer);
    }

    @Test
    void leadershipIsABlobLeaseInTheQueuePrefixsContainerNotStartedByTheFactory() throws Exception {
        RegionLeadership leadership = Messaging.leadership(settings, "host-1");
        try {
            assertThat(leadership).isInstanceOf(BlobRegionLeadership.class);
            assertThat(((BlobRegionLeadership) leadership).containerName()).isEqualTo(prefix + "dispatch-leaders");
            assertThat(leadership.leads("westeurope")).isFalse();

            leadership.start();
            await(() -> leadership.leads("westeurope"));
        } finally {
            leadership.close();
            new BlobServiceClientBuilder().connectionString(Azurite.shared().connectionString()).buildClient()
                    .getBlobContainerClient(prefix + "dispatch-leaders").deleteIfExists();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).isBefore(deadline);
            Thread.sleep(20);
        }
    }
}
