package io.controlplane.adapters.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;

import com.azure.messaging.servicebus.ServiceBusClientBuilder;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverClient;
import com.azure.messaging.servicebus.models.ServiceBusReceiveMode;
import io.controlplane.api.Json;
import io.controlplane.domain.LeaseIds;
import io.controlplane.ports.AgentCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.slf4j.Logger;

/**
 * The agent command channel against a real Service Bus namespace; runs only when
 * {@code SERVICEBUS_CONNECTION_STRING} is set. The namespace needs the queue Bicep creates:
 * {@code <prefix>agent-commands}, sessions on, duplicate detection on ({@code SERVICEBUS_QUEUE_PREFIX}
 * optional, default none). Each test uses a fresh agent id (session), so a shared namespace is fine.
 */
@EnabledIfEnvironmentVariable(named = "SERVICEBUS_CONNECTION_STRING", matches = ".+")
class ServiceBusAgentChannelLiveTest {

    private static final String CONNECTION = System.getenv("SERVICEBUS_CONNECTION_STRING");
    private static final String PREFIX = Objects.requireNonNullElse(System.getenv("SERVICEBUS_QUEUE_PREFIX"), "");

    private final Logger log = mock(Logger.class);
    private final String agentId = "live-" + UUID.randomUUID();
    private final String jobId = "job-" + UUID.randomUUID();
    private final AgentCommand preempt = new AgentCommand("preempt", LeaseIds.newLeaseId(UUID.randomUUID().toString(), jobId, 1),
            jobId, Instant.now().plusSeconds(120).truncatedTo(ChronoUnit.MILLIS), "a Platinum job needs this agent");

    private ServiceBusAgentChannel channel() {
        return new ServiceBusAgentChannel(new SdkServiceBusClients(CONNECTION, null), PREFIX, Json.mapper(), Clock.systemUTC(), log);
    }

    @Test
    void theAgentReceivesTheCommandFromItsOwnSession() throws Exception {
        ServiceBusReceivedMessage received;
        try (ServiceBusAgentChannel channel = channel()) {
            channel.send(agentId, preempt);
            // The send is asynchronous: receive before closing the channel, or close would drop it.
            received = receive(1, Duration.ofSeconds(30)).stream().findFirst()
                    .orElseThrow(() -> new AssertionError("nothing received in session " + agentId));
        }

        assertThat(received.getSessionId()).isEqualTo(agentId);
        assertThat(received.getMessageId()).isEqualTo(ServiceBusAgentChannel.messageId(preempt));
        assertThat(received.getContentType()).isEqualTo("application/json");
        assertThat(received.getTimeToLive()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(120));
        assertThat(Json.mapper().readValue(received.getBody().toBytes(), AgentCommand.class)).isEqualTo(preempt);
        assertThat(mockingDetails(log).getInvocations()).as("no push failure logged")
                .noneMatch(i -> i.getMethod().getName().equals("warn"));
    }

    @Test
    void aCommandSentTwiceIsDeliveredOnceByDuplicateDetection() {
        List<ServiceBusReceivedMessage> received;
        try (ServiceBusAgentChannel channel = channel()) {
            channel.send(agentId, preempt);
            channel.send(agentId, preempt);
            received = receive(10, Duration.ofSeconds(15));
        }

        assertThat(received).hasSize(1);
        assertThat(received.get(0).getMessageId()).isEqualTo(ServiceBusAgentChannel.messageId(preempt));
    }

    /** Receives from the agent's session as an agent would, completing what it gets. */
    private List<ServiceBusReceivedMessage> receive(int max, Duration wait) {
        try (ServiceBusSessionReceiverClient sessions = new ServiceBusClientBuilder().connectionString(CONNECTION)
                .sessionReceiver().queueName(PREFIX + "agent-commands").receiveMode(ServiceBusReceiveMode.PEEK_LOCK).buildClient();
                ServiceBusReceiverClient session = sessions.acceptSession(agentId)) {
            List<ServiceBusReceivedMessage> received = new ArrayList<>();
            Instant until = Instant.now().plus(wait);
            // Keep asking until the window closes: the two sends may land on either side of a receive.
            while (received.size() < max && Instant.now().isBefore(until)) {
                Duration left = Duration.between(Instant.now(), until).plusMillis(1);
                session.receiveMessages(max - received.size(), left).forEach(received::add);
            }
            received.forEach(session::complete);
            return received;
        }
    }
}
