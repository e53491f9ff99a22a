package io.controlplane.adapters.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake queues on Service Bus: one session-enabled queue per tier (created by Bicep), SessionId
 * = region so a region's dispatch is serialised, MessageId = job id and epoch
 * ({@link IntakeMessage#messageId()}) for duplicate detection: a repeated announcement is dropped, a
 * requeued job's next one (a higher epoch) is not. Service
 * Bus gives no order across queues: Platinum is not guaranteed to be handled before Standard.
 */
final class ServiceBusIntakeQueue implements IntakeQueue {

    static final String CONTENT_TYPE = "application/json";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusIntakeQueue.class);
    private static final List<Tier> HIGHEST_TIER_FIRST =
            Arrays.stream(Tier.values()).sorted(Comparator.comparingInt(Tier::rank).reversed()).toList();

    private final ServiceBusClients clients;
    private final String prefix;
    private final IntakeMessageCodec codec;
    private final int maxConcurrentSessions;
    private final int maxDeliveries;
    private final Map<Tier, ServiceBusSenderClient> senders = new EnumMap<>(Tier.class);

    ServiceBusIntakeQueue(ServiceBusClients clients, String prefix, IntakeMessageCodec codec, int maxConcurrentSessions,
            int maxDeliveries) {
        this.clients = clients;
        this.prefix = prefix;
        this.codec = codec;
        this.maxConcurrentSessions = maxConcurrentSessions;
        this.maxDeliveries = maxDeliveries;
        for (Tier tier : HIGHEST_TIER_FIRST) {
            senders.put(tier, clients.sender(queueName(tier)));
        }
    }

    String queueName(Tier tier) {
        return prefix + "jobs-" + tier.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void publish(IntakeMessage message) {
        ServiceBusMessage sent = new ServiceBusMessage(BinaryData.fromBytes(codec.encode(message)))
                .setSessionId(message.region())
                .setMessageId(message.messageId())
                .setContentType(CONTENT_TYPE);
        senders.get(message.tier()).sendMessage(sent);
    }

    @Override
    public Subscription subscribe(Consumer<IntakeMessage> handler) {
        SessionMessageHandler settle = new SessionMessageHandler(codec, Objects.requireNonNull(handler, "handler"),
                maxDeliveries);
        List<ServiceBusProcessorClient> processors = new ArrayList<>();
        try {
            for (Tier tier : HIGHEST_TIER_FIRST) {
                ServiceBusProcessorClient processor =
                        clients.sessionProcessor(queueName(tier), maxConcurrentSessions, settle, ServiceBusIntakeQueue::logError);
                processors.add(processor);
                processor.start();
            }
        } catch (RuntimeException e) {
            processors.forEach(ServiceBusIntakeQueue::closeQuietly);
            throw e;
        }
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                processors.forEach(ServiceBusIntakeQueue::closeQuietly);
            }
        };
    }

    /** Closes the senders and, with them, the shared connection. */
    @Override
    public void close() {
        senders.values().forEach(ServiceBusIntakeQueue::closeQuietly);
    }

    private static void logError(ServiceBusErrorContext error) {
        // The processor recovers by itself (reconnects, takes the next session); this is for operators.
        LOG.warn("event=servicebus_error entity={} source={} error={}", error.getEntityPath(), error.getErrorSource(),
                error.getException() == null ? null : error.getException().getClass().getName());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("event=servicebus_close_failed error={}", e.getClass().getName());
        }
    }
}
