package io.controlplane.adapters.servicebus;

import static io.controlplane.testing.MockLogs.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.Json;
import io.controlplane.domain.LeaseIds;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.slf4j.Logger;
import reactor.core.publisher.Mono;

/** What the agent command channel asks of the SDK, verified on Mockito mocks of the SDK's sender. */
class ServiceBusAgentChannelMockitoTest {

    private static final Instant NOW = Instant.parse("2025-06-02T09:15:00Z");
    /** An Entra tenant id, as in Azure: it makes the lease id longer than a MessageId may be. */
    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String LEASE = LeaseIds.newLeaseId(TENANT, "01hzx3k5q0d8m4v7n2c6b9t1rw", 3);

    private final ServiceBusClients clients = mock(ServiceBusClients.class);
    private final Map<String, ServiceBusSenderAsyncClient> senders = new HashMap<>();
    private final Logger log = mock(Logger.class);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    @BeforeEach
    void sdkClients() {
        when(clients.asyncSender(anyString())).thenAnswer(i -> senders.computeIfAbsent(i.getArgument(0), q -> {
            ServiceBusSenderAsyncClient sender = mock(ServiceBusSenderAsyncClient.class);
            when(sender.sendMessage(any(ServiceBusMessage.class))).thenReturn(Mono.empty());
            return sender;
        }));
    }

    private ServiceBusAgentChannel channel() {
        return new ServiceBusAgentChannel(clients, "", Json.mapper(), clock, log);
    }

    private static AgentCommand preempt(String leaseId, Duration grace) {
        return new AgentCommand("preempt", leaseId, "01hzx3k5q0d8m4v7n2c6b9t1rw", NOW.plus(grace), "a Platinum job needs this agent");
    }

    private ServiceBusMessage sentOnce() {
        ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(senders.get("agent-commands")).sendMessage(sent.capture());
        return sent.getValue();
    }

    @Test
    void aCommandIsJsonInTheAgentsSessionAndLivesUntilItsDeadline() throws Exception {
        channel().send("agent-7", preempt(LEASE, Duration.ofSeconds(90)));

        ServiceBusMessage m = sentOnce();
        assertThat(m.getSessionId()).isEqualTo("agent-7");
        assertThat(m.getContentType()).isEqualTo("application/json");
        assertThat(m.getTimeToLive()).isEqualTo(Duration.ofSeconds(90));
        JsonNode body = Json.mapper().readTree(m.getBody().toBytes());
        assertThat(body.size()).isEqualTo(5);
        assertThat(body.get("type").asText()).isEqualTo("preempt");
        assertThat(body.get("leaseId").asText()).isEqualTo(LEASE);
        assertThat(body.get("jobId").asText()).isEqualTo("01hzx3k5q0d8m4v7n2c6b9t1rw");
        assertThat(body.get("deadline").asText()).isEqualTo("2025-06-02T09:16:30Z");
        assertThat(body.get("reason").asText()).isEqualTo("a Platinum job needs this agent");
        // What an agent reads back is the command the use case sent.
        assertThat(Json.mapper().readValue(m.getBody().toBytes(), AgentCommand.class))
                .isEqualTo(preempt(LEASE, Duration.ofSeconds(90)));
    }

    @Test
    void theMessageIdIsTheLeaseAndTheTypeAndFitsServiceBussLimit() {
        String longLease = LeaseIds.newLeaseId(TENANT + TENANT, "01hzx3k5q0d8m4v7n2c6b9t1rw", 12);
        assertThat(longLease + ":preempt").as("the literal would not fit").hasSizeGreaterThan(128);

        channel().send("agent-7", preempt(longLease, Duration.ofSeconds(90)));

        String id = sentOnce().getMessageId();
        assertThat(id).hasSizeLessThanOrEqualTo(128).endsWith(":preempt").doesNotContain(longLease);
        assertThat(id).isEqualTo(ServiceBusAgentChannel.messageId(preempt(longLease, Duration.ofSeconds(1))));
    }

    @Test
    void aRepeatedCommandKeepsItsMessageIdSoDuplicateDetectionDropsIt() {
        ServiceBusAgentChannel channel = channel();
        channel.send("agent-7", preempt(LEASE, Duration.ofSeconds(90)));
        channel.send("agent-7", new AgentCommand("preempt", LEASE, "01hzx3k5q0d8m4v7n2c6b9t1rw", NOW.plusSeconds(30), "again"));
        channel.send("agent-7", new AgentCommand("pause", LEASE, "01hzx3k5q0d8m4v7n2c6b9t1rw", NOW.plusSeconds(90), null));
        channel.send("agent-7", preempt(LeaseIds.newLeaseId(TENANT, "01hzx3k5q0d8m4v7n2c6b9t1rw", 4), Duration.ofSeconds(90)));

        ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(senders.get("agent-commands"), times(4)).sendMessage(sent.capture());
        List<String> ids = sent.getAllValues().stream().map(ServiceBusMessage::getMessageId).toList();
        assertThat(ids.get(1)).as("same lease, same type").isEqualTo(ids.get(0));
        assertThat(ids.get(2)).as("same lease, another type").isNotEqualTo(ids.get(0));
        assertThat(ids.get(3)).as("another lease (epoch), same type").isNotEqualTo(ids.get(0));
        // Stable across channels and restarts: a function of lease and type only.
        assertThat(ServiceBusAgentChannel.messageId(preempt(LEASE, Duration.ZERO))).isEqualTo(ids.get(0));
    }

    @Test
    void aCommandWithoutDeadlineLivesTenMinutes() {
        channel().send("agent-7", AgentCommand.cancel(LEASE, "01hzx3k5q0d8m4v7n2c6b9t1rw", "cancelled"));

        ServiceBusMessage m = sentOnce();
        assertThat(m.getTimeToLive()).isEqualTo(Duration.ofMinutes(10));
        assertThat(m.getMessageId()).endsWith(":cancel");
    }

    @Test
    void theTimeToLiveRunsOnTheInjectedClock() {
        Clock later = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);

        new ServiceBusAgentChannel(clients, "", Json.mapper(), later, log).send("agent-7", preempt(LEASE, Duration.ofSeconds(90)));

        assertThat(sentOnce().getTimeToLive()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aCommandWhoseDeadlineHasPassedIsNotPushed() {
        ServiceBusAgentChannel channel = channel();

        channel.send("agent-7", preempt(LEASE, Duration.ZERO));
        channel.send("agent-7", preempt(LEASE, Duration.ofSeconds(-5)));
        channel.send("agent-7", preempt(LEASE, Duration.ofNanos(999_999)));

        verify(senders.get("agent-commands"), never()).sendMessage(any());
        assertThat(lines(log, "info")).hasSize(3).allSatisfy(line -> assertThat(line)
                .contains("event=agent_command_not_pushed", "agentId=agent-7", "reason=deadline_passed"));
    }

    @Test
    void aFailedSendIsLoggedWithoutBodyOrLeaseAndNeverThrown() {
        ServiceBusSenderAsyncClient sender = mock(ServiceBusSenderAsyncClient.class);
        senders.put("agent-commands", sender);
        // The SDK reports most failures through the Mono, after its retries; some at once.
        when(sender.sendMessage(any(ServiceBusMessage.class)))
                .thenReturn(Mono.error(new IllegalStateException("link detached; SharedAccessKey=hunter2")))
                .thenThrow(new IllegalStateException("sender closed; SharedAccessKey=hunter2"));
        ServiceBusAgentChannel channel = channel();

        assertThatCode(() -> channel.send("agent-7", preempt(LEASE, Duration.ofSeconds(90)))).doesNotThrowAnyException();
        assertThatCode(() -> channel.send("agent-8", preempt(LEASE, Duration.ofSeconds(90)))).doesNotThrowAnyException();

        List<String> warnings = lines(log, "warn");
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("agentId=agent-7");
        assertThat(warnings.get(1)).contains("agentId=agent-8");
        assertThat(warnings).allSatisfy(line -> assertThat(line)
                .contains("event=agent_command_push_failed", "queue=agent-commands", "jobId=01hzx3k5q0d8m4v7n2c6b9t1rw",
                        "tenant=" + TENANT, "type=preempt", "error=java.lang.IllegalStateException")
                .doesNotContain("hunter2", LEASE, "Platinum job"));
    }

    @Test
    void oneSenderIsBuiltForAllCommandsAndCloseClosesIt() {
        ServiceBusAgentChannel channel = channel();
        for (int i = 0; i < 3; i++) {
            channel.send("agent-" + i, preempt(LEASE, Duration.ofSeconds(90)));
        }

        verify(clients, times(1)).asyncSender(anyString());
        verify(senders.get("agent-commands"), times(3)).sendMessage(any());
        verify(senders.get("agent-commands"), never()).close();

        channel.close();

        verify(senders.get("agent-commands")).close();
    }

    @Test
    void aSenderThatFailsToCloseIsLoggedNotThrown() {
        ServiceBusAgentChannel channel = channel();
        doThrow(new IllegalStateException("connection gone")).when(senders.get("agent-commands")).close();

        assertThatCode(channel::close).doesNotThrowAnyException();

        assertThat(lines(log, "warn")).singleElement().asString().contains("event=servicebus_close_failed", "queue=agent-commands");
    }

    @Test
    void theQueuePrefixNamesTheQueueAndTheBuilderBuildsTheChannel() {
        AgentChannel channel = ServiceBusQueues.builder().queuePrefix("dev-").json(Json.mapper()).clock(clock).clients(clients)
                .buildAgentChannel();

        channel.send("agent-7", preempt(LEASE, Duration.ofSeconds(45)));

        verify(clients).asyncSender("dev-agent-commands");
        ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(senders.get("dev-agent-commands")).sendMessage(sent.capture());
        assertThat(sent.getValue().getTimeToLive()).as("the builder's clock").isEqualTo(Duration.ofSeconds(45));
        assertThat(((ServiceBusAgentChannel) channel).queueName()).isEqualTo("dev-agent-commands");
    }

    @Test
    void theBuilderNamesEveryProblemOfTheChannel() {
        assertThatThrownBy(() -> ServiceBusQueues.builder().queuePrefix("Dev_").clock(null).buildAgentChannel())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("connection string or a fully qualified namespace", "queue prefix", "ObjectMapper",
                        "Clock");
    }

    @Test
    void aMissingAgentOrCommandIsAProgrammingErrorNotAFailedPush() {
        ServiceBusAgentChannel channel = channel();

        assertThatThrownBy(() -> channel.send(null, preempt(LEASE, Duration.ofSeconds(90)))).isInstanceOf(NullPointerException.class)
                .hasMessage("agentId");
        assertThatThrownBy(() -> channel.send("agent-7", null)).isInstanceOf(NullPointerException.class).hasMessage("command");
        verify(senders.get("agent-commands"), never()).sendMessage(any());
    }
}
