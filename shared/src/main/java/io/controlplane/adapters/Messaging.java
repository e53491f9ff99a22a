package io.controlplane.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.adapters.blob.BlobRegionLeadership;
import io.controlplane.adapters.servicebus.ServiceBusQueues;
import io.controlplane.adapters.storagequeue.StorageQueueAgentInbox;
import io.controlplane.adapters.storagequeue.StorageQueueDispatchBus;
import io.controlplane.adapters.storagequeue.StorageQueues;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.RegionLeadership;
import io.controlplane.ports.IntakeQueue;
import java.time.Clock;

/** Picks the messaging adapters the settings name ({@code MESSAGING}). */
public final class Messaging {

    private Messaging() {
    }

    /**
     * The intake queues: Storage Queues (created if missing) or Service Bus (queues from Bicep).
     * The caller closes it on shutdown, after its subscriptions.
     */
    public static IntakeQueue intakeQueue(ControlPlaneSettings settings, ObjectMapper json) {
        return switch (settings.messaging().service()) {
            case StorageQueues -> storageQueues(StorageQueues.builder(), settings, json).build();
            case ServiceBus -> serviceBus(settings, json).build();
        };
    }

    /** {@link #agentChannel(ControlPlaneSettings, ObjectMapper, Clock)} on the system clock. */
    public static AgentChannel agentChannel(ControlPlaneSettings settings, ObjectMapper json) {
        return agentChannel(settings, json, Clock.systemUTC());
    }

    /**
     * The push channel to agents: none with Storage Queues (agents hear commands in heartbeat
     * answers only), or the Service Bus {@code agent-commands} queue (from Bicep), whose messages
     * live until the command's deadline on {@code clock}. The caller closes it on shutdown.
     */
    public static AgentChannel agentChannel(ControlPlaneSettings settings, ObjectMapper json, Clock clock) {
        return switch (settings.messaging().service()) {
            case StorageQueues -> AgentChannel.none();
            case ServiceBus -> serviceBus(settings, json).clock(clock).buildAgentChannel();
        };
    }

    /**
     * The dispatch bus (events for a region's dispatcher): Storage Queues {@code dispatch-<region>},
     * or the Service Bus session queue {@code dispatch} (SessionId = region). The caller closes it.
     */
    public static DispatchBus dispatchBus(ControlPlaneSettings settings, ObjectMapper json) {
        return switch (settings.messaging().service()) {
            case StorageQueues -> storageQueues(StorageQueueDispatchBus.builder(), settings, json).build();
            case ServiceBus -> serviceBus(settings, json).buildDispatchBus();
        };
    }

    /**
     * Where offers reach this instance's waiting polls: Storage Queues {@code offers-<instanceId>},
     * or the Service Bus session queue {@code agent-inbox} (SessionId = agent id). The caller closes it.
     */
    public static AgentInbox agentInbox(ControlPlaneSettings settings, ObjectMapper json, String instanceId) {
        return switch (settings.messaging().service()) {
            case StorageQueues -> storageQueues(StorageQueueAgentInbox.builder(), settings, json)
                    .instanceId(instanceId)
                    .build();
            // Addressed by agent (its session), not by instance: instanceId is not needed.
            case ServiceBus -> serviceBus(settings, json).buildAgentInbox();
        };
    }

    /**
     * Who leads each region's dispatch among the instances sharing the storage account: a blob lease
     * per region in {@code <QUEUE_PREFIX>dispatch-leaders} (the connection string, else
     * {@code STORAGE_BLOB_ENDPOINT} with DefaultAzureCredential). Not started: the caller calls
     * {@code watch}, then {@code start}, and closes it on shutdown (which hands its regions over).
     */
    public static RegionLeadership leadership(ControlPlaneSettings settings, String instanceId) {
        return BlobRegionLeadership.builder()
                .connectionString(settings.storage().connectionString())
                .endpoint(settings.storage().blobEndpoint())
                .containerPrefix(settings.messaging().queuePrefix())
                .regions(settings.regions().stream().sorted().toList())
                .instanceId(instanceId)
                .build();
    }

    /** A Storage Queue port's builder told the account, the prefix and the mapper the settings name. */
    private static <B extends StorageQueues.AccountBuilder<B>> B storageQueues(B builder, ControlPlaneSettings settings,
                                                                               ObjectMapper json) {
        return builder
                .connectionString(settings.storage().connectionString())
                .endpoint(settings.storage().queueEndpoint())
                .queuePrefix(settings.messaging().queuePrefix())
                .json(json);
    }

    /** The Service Bus builder told the connection (string or namespace), the prefix and the mapper the settings name. */
    private static ServiceBusQueues.Builder serviceBus(ControlPlaneSettings settings, ObjectMapper json) {
        return ServiceBusQueues.builder()
                .connectionString(settings.messaging().serviceBusConnectionString())
                .fullyQualifiedNamespace(settings.messaging().serviceBusNamespace())
                .queuePrefix(settings.messaging().queuePrefix())
                .json(json);
    }
}
