package io.controlplane.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.adapters.servicebus.ServiceBusQueues;
import io.controlplane.adapters.storagequeue.StorageQueues;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.ports.IntakeQueue;

/** Picks the messaging adapters the settings name ({@code MESSAGING}). */
public final class Messaging {

    private Messaging() {
    }

    /**
     * The intake queues: Storage Queues (created if missing) or Service Bus (queues from Bicep).
     * The caller closes it on shutdown, after its subscriptions.
     */
    public static IntakeQueue intakeQueue(ControlPlaneSettings settings, ObjectMapper json) {
        return switch (settings.messaging()) {
            case StorageQueues -> StorageQueues.builder()
                    .connectionString(settings.storageConnectionString())
                    .endpoint(settings.queueEndpoint())
                    .queuePrefix(settings.queuePrefix())
                    .json(json)
                    .build();
            case ServiceBus -> ServiceBusQueues.builder()
                    .connectionString(settings.serviceBusConnectionString())
                    .fullyQualifiedNamespace(settings.serviceBusNamespace())
                    .queuePrefix(settings.queuePrefix())
                    .json(json)
                    .build();
        };
    }
}
