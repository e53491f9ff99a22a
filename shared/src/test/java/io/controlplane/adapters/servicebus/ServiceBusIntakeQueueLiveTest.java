package io.controlplane.adapters.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import com.azure.messaging.servicebus.models.SubQueue;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.IntakeQueueContractTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The intake queue contract against a real Service Bus namespace; runs only when
 * {@code SERVICEBUS_CONNECTION_STRING} is set. The namespace needs the queues Bicep creates:
 * {@code <prefix>jobs-platinum}, {@code -premium}, {@code -standard}, sessions on, duplicate detection
 * on, MaxDeliveryCount above {@value #MAX_DELIVERIES} ({@code SERVICEBUS_QUEUE_PREFIX} optional,
 * default none). Tests use a fresh region (session) each and leave other messages alone, so a
 * shared namespace is fine; what they dead-letter they also remove.
 */
@EnabledIfEnvironmentVariable(named = "SERVICEBUS_CONNECTION_STRING", matches = ".+")
class ServiceBusIntakeQueueLiveTest extends IntakeQueueContractTest {

    private static final String CONNECTION = System.getenv("SERVICEBUS_CONNECTION_STRING");
    private static final String PREFIX = Objects.requireNonNullElse(System.getenv("SERVICEBUS_QUEUE_PREFIX"), "");
    private static final IntakeMessageCodec CODEC = new IntakeMessageCodec(Json.mapper());

    private final Map<Tier, ServiceBusReceiverClient> deadLetterReceivers = new EnumMap<>(Tier.class);
    private final List<IntakeMessage> deadLettered = new ArrayList<>();

    @Override
    protected IntakeQueue newQueue() {
        return ServiceBusQueues.builder().connectionString(CONNECTION).queuePrefix(PREFIX).json(Json.mapper())
                .maxDeliveries(MAX_DELIVERIES).build();
    }

    private static String queueName(Tier tier) {
        return PREFIX + "jobs-" + tier.name().toLowerCase(Locale.ROOT);
    }

    /** Drains this test's messages from the dead-letter queues (others are put back) and remembers them. */
    @Override
    protected synchronized List<IntakeMessage> movedAside(IntakeQueue queue) {
        for (Tier tier : Tier.values()) {
            ServiceBusReceiverClient receiver = deadLetterReceivers.computeIfAbsent(tier, t -> new ServiceBusClientBuilder()
                    .connectionString(CONNECTION).receiver().queueName(queueName(t)).subQueue(SubQueue.DEAD_LETTER_QUEUE)
                    .receiveMode(ServiceBusReceiveMode.PEEK_LOCK).buildClient());
            for (ServiceBusReceivedMessage message : receiver.receiveMessages(32, Duration.ofSeconds(1))) {
                IntakeMessage intake = decodeOrNull(message);
                if (intake != null && intake.region().equals(region())) {
                    deadLettered.add(intake);
                    receiver.complete(message);
                } else {
                    receiver.abandon(message);
                }
            }
        }
        return List.copyOf(deadLettered);
    }

    @Override
    protected boolean handlesHigherTiersFirst() {
        return false;
    }

    @Override
    protected Duration patience() {
        // A closed processor's session lock may have to expire before the next one gets the session.
        return Duration.ofSeconds(120);
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofSeconds(5);
    }

    @Override
    protected void dispose(IntakeQueue queue) {
        deadLetterReceivers.values().forEach(ServiceBusReceiverClient::close);
    }

    @Test
    void theNamespaceKeepsSessionMessageIdAndBodyAndCountsTheFirstDeliveryAsZero() throws Exception {
        IntakeMessage message = message(Tier.Premium);
        try (IntakeQueue queue = newQueue()) {
            queue.publish(message);
        }

        ServiceBusReceivedMessage received = receiveOne(Tier.Premium);

        assertThat(received.getSessionId()).isEqualTo(message.region());
        assertThat(received.getMessageId()).isEqualTo(message.jobId());
        assertThat(received.getContentType()).isEqualTo("application/json");
        assertThat(CODEC.decode(received.getBody().toBytes())).isEqualTo(message);
        // SessionMessageHandler counts attempts as deliveryCount + 1: this is the assumption it rests on.
        assertThat(received.getDeliveryCount()).isZero();
    }

    @Test
    void aJobPublishedTwiceIsDeliveredOnceByDuplicateDetection() {
        IntakeMessage message = message(Tier.Standard);
        try (IntakeQueue queue = newQueue()) {
            queue.publish(message);
            queue.publish(message);
        }

        try (ServiceBusSessionReceiverClient sessions = sessionReceiver(Tier.Standard);
                ServiceBusReceiverClient session = sessions.acceptSession(message.region())) {
            List<ServiceBusReceivedMessage> received = new ArrayList<>();
            session.receiveMessages(10, Duration.ofSeconds(10)).forEach(received::add);
            received.forEach(session::complete);

            assertThat(received).hasSize(1);
        }
    }

    private ServiceBusReceivedMessage receiveOne(Tier tier) {
        try (ServiceBusSessionReceiverClient sessions = sessionReceiver(tier);
                ServiceBusReceiverClient session = sessions.acceptSession(region())) {
            ServiceBusReceivedMessage received = session.receiveMessages(1, Duration.ofSeconds(30)).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("nothing received in session " + region()));
            session.complete(received);
            return received;
        }
    }

    private static ServiceBusSessionReceiverClient sessionReceiver(Tier tier) {
        return new ServiceBusClientBuilder().connectionString(CONNECTION).sessionReceiver().queueName(queueName(tier))
                .receiveMode(ServiceBusReceiveMode.PEEK_LOCK).buildClient();
    }

    private static IntakeMessage decodeOrNull(ServiceBusReceivedMessage message) {
        try {
            return CODEC.decode(message.getBody().toBytes());
        } catch (IntakeMessageCodec.MalformedIntakeMessageException e) {
            return null;
        }
    }
}
