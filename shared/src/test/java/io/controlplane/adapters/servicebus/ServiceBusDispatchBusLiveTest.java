package io.controlplane.adapters.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.api.Json;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchBusContractTest;
import io.controlplane.ports.DispatchEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The dispatch bus contract against a real Service Bus namespace; runs only when
 * {@code SERVICEBUS_CONNECTION_STRING} is set. The namespace needs the queue Bicep creates:
 * {@code <prefix>dispatch}, sessions on, duplicate detection on, MaxDeliveryCount above 2
 * ({@code SERVICEBUS_QUEUE_PREFIX} optional, default none). Tests use fresh regions (sessions), so a
 * shared namespace is fine; nothing is dead-lettered.
 */
@EnabledIfEnvironmentVariable(named = "SERVICEBUS_CONNECTION_STRING", matches = ".+")
class ServiceBusDispatchBusLiveTest extends DispatchBusContractTest {

    private static final String CONNECTION = System.getenv("SERVICEBUS_CONNECTION_STRING");
    private static final String PREFIX = Objects.requireNonNullElse(System.getenv("SERVICEBUS_QUEUE_PREFIX"), "");
    private static final DispatchCodec CODEC = new DispatchCodec(Json.mapper());

    @Override
    protected DispatchBus newBus() {
        return ServiceBusQueues.builder().connectionString(CONNECTION).queuePrefix(PREFIX).json(Json.mapper()).buildDispatchBus();
    }

    @Override
    protected Duration patience() {
        // A closed receiver's session may take a moment to be released to the next one.
        return Duration.ofSeconds(120);
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofSeconds(5);
    }

    @Test
    void theNamespaceKeepsSessionMessageIdAndBodyAndDropsTheSameEventSentTwice() throws Exception {
        String region = region();
        DispatchEvent.Asks asks = new DispatchEvent.Asks(region, "agent-1", null, "agent-1",
                Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS));
        List<ServiceBusReceivedMessage> received;
        try (DispatchBus bus = newBus()) {
            bus.send(asks);
            bus.send(asks);
            // The send is asynchronous: receive before closing the bus, or close would drop it.
            received = receive(region, 10, Duration.ofSeconds(15));
        }

        assertThat(received).hasSize(1);
        ServiceBusReceivedMessage message = received.get(0);
        assertThat(message.getSessionId()).isEqualTo(region);
        assertThat(message.getMessageId()).isEqualTo(asks.messageId());
        assertThat(message.getContentType()).isEqualTo("application/json");
        assertThat(message.getTimeToLive()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
        assertThat(CODEC.decodeEvent(message.getBody().toBytes())).isEqualTo(asks);
    }

    /** Receives from the region's session as the session trigger would, completing what it gets. */
    private static List<ServiceBusReceivedMessage> receive(String region, int max, Duration wait) {
        try (ServiceBusSessionReceiverClient sessions = new ServiceBusClientBuilder().connectionString(CONNECTION)
                .sessionReceiver().queueName(PREFIX + "dispatch").receiveMode(ServiceBusReceiveMode.PEEK_LOCK).buildClient();
                ServiceBusReceiverClient session = sessions.acceptSession(region)) {
            List<ServiceBusReceivedMessage> received = new ArrayList<>();
            Instant until = Instant.now().plus(wait);
            while (received.size() < max && Instant.now().isBefore(until)) {
                Duration left = Duration.between(Instant.now(), until).plusMillis(1);
                session.receiveMessages(max - received.size(), left).forEach(received::add);
            }
            received.forEach(session::complete);
            return received;
        }
    }
}
