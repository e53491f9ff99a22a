package io.controlplane.adapters.servicebus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.Json;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

/** What the adapter asks of the SDK, verified on Mockito mocks of the SDK's client classes. */
class ServiceBusIntakeQueueMockitoTest {

    private static final List<String> QUEUES = List.of("jobs-platinum", "jobs-premium", "jobs-standard");

    private final ServiceBusClients clients = mock(ServiceBusClients.class);
    private final Map<String, ServiceBusSenderClient> senders = new HashMap<>();
    private final Map<String, ServiceBusProcessorClient> processors = new HashMap<>();
    @SuppressWarnings("unchecked")
    private final Consumer<IntakeMessage> handler = mock(Consumer.class);

    @BeforeEach
    void sdkClients() {
        when(clients.sender(anyString())).thenAnswer(i -> senders.computeIfAbsent(i.getArgument(0),
                q -> mock(ServiceBusSenderClient.class)));
        when(clients.sessionProcessor(anyString(), anyInt(), any(), any())).thenAnswer(i -> processors.computeIfAbsent(
                i.getArgument(0), q -> mock(ServiceBusProcessorClient.class)));
    }

    private ServiceBusQueues.Builder builder() {
        return ServiceBusQueues.builder().json(Json.mapper()).clients(clients);
    }

    private static IntakeMessage message(Tier tier) {
        return new IntakeMessage("westeurope", tier, "contoso", "job-" + tier.name().toLowerCase());
    }

    @Test
    void aMessageIsJsonWithTheRegionAsSessionAndTheJobAndEpochAsMessageId() throws Exception {
        IntakeQueue queue = builder().build();
        IntakeMessage message = new IntakeMessage("westeurope", Tier.Platinum, "contoso", "job-platinum", 2);

        queue.publish(message);

        ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(senders.get("jobs-platinum")).sendMessage(sent.capture());
        ServiceBusMessage m = sent.getValue();
        assertThat(m.getSessionId()).isEqualTo("westeurope");
        assertThat(m.getMessageId()).isEqualTo("job-platinum:2");
        assertThat(m.getContentType()).isEqualTo("application/json");
        JsonNode body = Json.mapper().readTree(m.getBody().toBytes());
        assertThat(body.size()).isEqualTo(5);
        assertThat(body.get("region").asText()).isEqualTo("westeurope");
        assertThat(body.get("tier").asText()).isEqualTo("Platinum");
        assertThat(body.get("tenantId").asText()).isEqualTo("contoso");
        assertThat(body.get("jobId").asText()).isEqualTo("job-platinum");
        assertThat(body.get("epoch").asLong()).isEqualTo(2);
    }

    @Test
    void aRequeuedJobIsAnnouncedUnderANewMessageIdSoDuplicateDetectionKeepsIt() {
        // The queues detect duplicates by MessageId (Bicep). A job leased and requeued within the window
        // must not have its second announcement dropped as a copy of its first; the same announcement
        // sent twice (a retried send) must still be one.
        IntakeQueue queue = builder().build();
        Instant t = Instant.parse("2026-01-05T10:00:00Z");
        Job submitted = Job.submitted("job-1", "contoso", JobSpecs.aJobSpec().withTier(Tier.Premium).build(), t, "client").job();
        Job requeued = submitted.assign("agent-1", "lease-1", t.plusSeconds(60), t)
                .then(j -> j.requeue(t.plusSeconds(61), "lease lost", "control-plane")).job();
        Job requeuedAgain = requeued.assign("agent-2", "lease-2", t.plusSeconds(120), t.plusSeconds(62))
                .then(j -> j.requeue(t.plusSeconds(123), "lease lost", "control-plane")).job();

        for (Job job : List.of(submitted, submitted, requeued, requeuedAgain)) {
            queue.publish(new IntakeMessage(job.spec().region(), job.spec().tier(), job.tenantId(), job.id(), job.epoch()));
        }

        ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
        verify(senders.get("jobs-premium"), times(4)).sendMessage(sent.capture());
        List<String> ids = sent.getAllValues().stream().map(ServiceBusMessage::getMessageId).toList();
        assertThat(ids).containsExactly("job-1:0", "job-1:0", "job-1:1", "job-1:2");
        assertThat(sent.getAllValues()).extracting(ServiceBusMessage::getSessionId).containsOnly(submitted.spec().region());
    }

    @Test
    void aMessageOfTheOldFourFieldShapeIsTheJobsFirstAnnouncement() {
        IntakeMessage old = new IntakeMessage("westeurope", Tier.Standard, "contoso", "job-7");

        assertThat(old.epoch()).isZero();
        assertThat(old.messageId()).isEqualTo("job-7:0");
    }

    @Test
    void eachTierGoesToItsOwnQueuesSenderBuiltOnce() throws Exception {
        IntakeQueue queue = builder().build();

        for (int i = 0; i < 3; i++) {
            for (Tier tier : Tier.values()) {
                queue.publish(message(tier));
            }
        }

        for (String name : QUEUES) {
            verify(clients, times(1)).sender(name);
            ArgumentCaptor<ServiceBusMessage> sent = ArgumentCaptor.forClass(ServiceBusMessage.class);
            verify(senders.get(name), times(3)).sendMessage(sent.capture());
            for (ServiceBusMessage m : sent.getAllValues()) {
                String tier = Json.mapper().readTree(m.getBody().toBytes()).get("tier").asText();
                assertThat("jobs-" + tier.toLowerCase()).isEqualTo(name);
            }
        }
        verify(clients, times(3)).sender(anyString());
    }

    @Test
    void theQueuePrefixNamesTheQueues() {
        IntakeQueue queue = builder().queuePrefix("dev-").build();

        queue.subscribe(handler);

        for (String name : QUEUES) {
            verify(clients).sender("dev-" + name);
            verify(clients).sessionProcessor(eq("dev-" + name), anyInt(), any(), any());
        }
    }

    @Test
    void subscribeStartsASessionProcessorPerTierQueueAndCloseClosesEachOnce() {
        IntakeQueue queue = builder().maxConcurrentSessions(3).build();

        IntakeQueue.Subscription subscription = queue.subscribe(handler);

        for (String name : QUEUES) {
            verify(clients).sessionProcessor(eq(name), eq(3), any(), any());
            verify(processors.get(name)).start();
            verify(processors.get(name), never()).close();
        }
        subscription.close();
        subscription.close();
        for (String name : QUEUES) {
            verify(processors.get(name), times(1)).close();
        }
    }

    @Test
    void theDefaultIsEightSessionsAtOnce() {
        builder().build().subscribe(handler);

        verify(clients, times(3)).sessionProcessor(anyString(), eq(8), any(), any());
    }

    @Test
    void whenAProcessorCannotStartTheStartedOnesAreClosed() {
        ServiceBusProcessorClient premium = mock(ServiceBusProcessorClient.class);
        doThrow(new IllegalStateException("no such queue")).when(premium).start();
        processors.put("jobs-premium", premium);
        IntakeQueue queue = builder().build();

        assertThatThrownBy(() -> queue.subscribe(handler)).hasMessage("no such queue");

        verify(processors.get("jobs-platinum")).close();
        verify(premium).close();
        verify(clients, never()).sessionProcessor(eq("jobs-standard"), anyInt(), any(), any());
    }

    @Test
    void closingTheQueueClosesItsSenders() {
        IntakeQueue queue = builder().build();

        queue.close();

        QUEUES.forEach(name -> verify(senders.get(name)).close());
    }

    @Test
    void aMessageIsCompletedAfterTheHandlerReturns() {
        ServiceBusReceivedMessageContext context = received(json(message(Tier.Premium)), 0);

        processMessage(builder().build()).accept(context);

        InOrder order = inOrder(handler, context);
        order.verify(handler).accept(message(Tier.Premium));
        order.verify(context).complete();
        verify(context, never()).abandon();
        verify(context, never()).deadLetter(any(DeadLetterOptions.class));
    }

    @Test
    void aMessageWhoseHandlerThrowsIsAbandonedSoServiceBusRedeliversIt() {
        doThrow(new IllegalStateException("table storage busy")).when(handler).accept(any());
        ServiceBusReceivedMessageContext context = received(json(message(Tier.Standard)), 0);

        processMessage(builder().build()).accept(context);

        verify(context).abandon();
        verify(context, never()).complete();
        verify(context, never()).deadLetter(any(DeadLetterOptions.class));
    }

    @Test
    void withMaxDeliveriesTheLastFailureIsDeadLetteredWithItsReason() {
        doThrow(new IllegalStateException("table storage busy")).when(handler).accept(any());
        Consumer<ServiceBusReceivedMessageContext> process = processMessage(builder().maxDeliveries(3).build());
        ServiceBusReceivedMessageContext second = received(json(message(Tier.Standard)), 1);
        ServiceBusReceivedMessageContext third = received(json(message(Tier.Standard)), 2);

        process.accept(second);
        process.accept(third);

        verify(second).abandon();
        verify(third, never()).abandon();
        ArgumentCaptor<DeadLetterOptions> options = ArgumentCaptor.forClass(DeadLetterOptions.class);
        verify(third).deadLetter(options.capture());
        assertThat(options.getValue().getDeadLetterReason()).isEqualTo("HandlerFailed");
        assertThat(options.getValue().getDeadLetterErrorDescription())
                .contains("3 times", IllegalStateException.class.getName())
                .doesNotContain("table storage busy");
    }

    @Test
    void aBodyThatIsNoIntakeMessageIsDeadLetteredAtOnceWithoutQuotingIt() {
        for (String body : List.of("not json at all: secret=hunter2", "{\"region\":\"westeurope\",\"tier\":\"Gold\"}",
                "{\"region\":\"westeurope\",\"tier\":\"Premium\",\"tenantId\":\"contoso\"}", "null")) {
            ServiceBusReceivedMessageContext context = received(body, 0);

            processMessage(builder().build()).accept(context);

            ArgumentCaptor<DeadLetterOptions> options = ArgumentCaptor.forClass(DeadLetterOptions.class);
            verify(context).deadLetter(options.capture());
            assertThat(options.getValue().getDeadLetterReason()).as(body).isEqualTo("MalformedIntakeMessage");
            assertThat(options.getValue().getDeadLetterErrorDescription()).as(body).isNotBlank().doesNotContain("hunter2");
            verify(context, never()).complete();
            verify(context, never()).abandon();
        }
        verifyNoInteractions(handler);
    }

    @Test
    void processorErrorsAreLoggedNotThrown() {
        ArgumentCaptor<Consumer<ServiceBusErrorContext>> processError = ArgumentCaptor.captor();
        builder().build().subscribe(handler);
        verify(clients).sessionProcessor(eq("jobs-premium"), anyInt(), any(), processError.capture());
        ServiceBusErrorContext error = mock(ServiceBusErrorContext.class);
        when(error.getException()).thenReturn(new RuntimeException("link detached"));
        ServiceBusErrorContext bare = mock(ServiceBusErrorContext.class);

        assertThatCode(() -> processError.getValue().accept(error)).doesNotThrowAnyException();
        assertThatCode(() -> processError.getValue().accept(bare)).doesNotThrowAnyException();
        verify(error, atLeastOnce()).getException();
    }

    @Test
    void theBuilderNamesEveryProblem() {
        assertThatThrownBy(() -> ServiceBusQueues.builder().queuePrefix("-x").maxConcurrentSessions(0).maxDeliveries(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("connection string or a fully qualified namespace", "queue prefix", "ObjectMapper",
                        "maxConcurrentSessions", "maxDeliveries");
    }

    /** The processMessage callback the adapter gave the SDK for the premium queue. */
    private Consumer<ServiceBusReceivedMessageContext> processMessage(IntakeQueue queue) {
        queue.subscribe(handler);
        ArgumentCaptor<Consumer<ServiceBusReceivedMessageContext>> captor = ArgumentCaptor.captor();
        verify(clients, times(1)).sessionProcessor(eq("jobs-premium"), anyInt(), captor.capture(), any());
        org.mockito.Mockito.clearInvocations(clients);
        return captor.getValue();
    }

    private static String json(IntakeMessage message) {
        try {
            return Json.mapper().writeValueAsString(message);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServiceBusReceivedMessageContext received(String body, long deliveryCount) {
        ServiceBusReceivedMessage message = mock(ServiceBusReceivedMessage.class);
        when(message.getBody()).thenReturn(BinaryData.fromBytes(body.getBytes(StandardCharsets.UTF_8)));
        when(message.getMessageId()).thenReturn("m-1");
        when(message.getDeliveryCount()).thenReturn(deliveryCount);
        ServiceBusReceivedMessageContext context = mock(ServiceBusReceivedMessageContext.class);
        when(context.getMessage()).thenReturn(message);
        when(context.getEntityPath()).thenReturn("jobs-premium");
        return context;
    }
}
