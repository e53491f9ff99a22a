package io.controlplane.adapters.servicebus;

import static io.controlplane.testing.Eventually.sleep;
import static io.controlplane.testing.MockLogs.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchBusContractTest;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The Service Bus dispatch bus passes the port's contract with the SDK's clients mocked
 * ({@link FakeServiceBus}, sessions included), and asks of the SDK what Bicep's {@code dispatch}
 * queue expects: SessionId = region, MessageId = the event's, an {@code Asks} living until its poll ends.
 */
class ServiceBusDispatchBusMockitoTest extends DispatchBusContractTest {

    private static final int QUEUE_MAX_DELIVERY_COUNT = 3;
    private static final Duration RETRY = Duration.ofMillis(50);
    private static final Instant NOW = Instant.parse("2026-12-02T01:00:00Z");
    private static final DispatchCodec CODEC = new DispatchCodec(Json.mapper());

    private FakeServiceBus broker;
    private final Logger log = mock(Logger.class);

    @Override
    protected DispatchBus newBus() {
        broker = new FakeServiceBus(QUEUE_MAX_DELIVERY_COUNT);
        return ServiceBusQueues.builder().json(Json.mapper()).clients(broker).sessionRetryDelay(RETRY).buildDispatchBus();
    }

    private ServiceBusDispatchBus bus(Clock clock, int maxDeliveries) {
        return new ServiceBusDispatchBus(broker, "", CODEC, clock, maxDeliveries, RETRY, log);
    }

    @Test
    void anEventIsJsonInTheRegionsSessionWithItsOwnMessageIdAndTheQueuesTimeToLive() throws Exception {
        DispatchEvent.Ready ready = new DispatchEvent.Ready("westeurope", Tier.Premium, "contoso", "job-1", 2);
        try (ServiceBusDispatchBus bus = bus(Clock.fixed(NOW, ZoneOffset.UTC), 0)) {
            bus.send(ready);
        }

        ServiceBusMessage sent = broker.sent("dispatch").get(0);
        assertThat(sent.getSessionId()).isEqualTo("westeurope");
        assertThat(sent.getMessageId()).isEqualTo("ready:job-1:2");
        assertThat(sent.getContentType()).isEqualTo("application/json");
        assertThat(sent.getTimeToLive()).as("the queue's default (Bicep: PT10M)").isNull();
        assertThat(CODEC.decodeEvent(sent.getBody().toBytes())).isEqualTo(ready);
        assertThat(Json.mapper().readTree(sent.getBody().toBytes()).path("type").asText()).isEqualTo("ready");
    }

    @Test
    void anAsksLivesUntilItsPollEndsAndAtLeastASecond() {
        try (ServiceBusDispatchBus bus = bus(Clock.fixed(NOW, ZoneOffset.UTC), 0)) {
            bus.send(new DispatchEvent.Asks("westeurope", "agent-1", null, "agent-1", NOW.plusMillis(29_999).plusNanos(700)));
            bus.send(new DispatchEvent.Asks("westeurope", "agent-2", null, "agent-2", NOW.plusMillis(200)));
            bus.send(new DispatchEvent.Asks("westeurope", "agent-3", null, "agent-3", NOW.minusSeconds(5)));
        }

        List<ServiceBusMessage> sent = broker.sent("dispatch");
        assertThat(sent).extracting(ServiceBusMessage::getTimeToLive)
                .containsExactly(Duration.ofMillis(29_999), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(sent.get(0).getMessageId()).isEqualTo("asks:agent-1:" + NOW.plusMillis(29_999).toEpochMilli());
    }

    @Test
    void aFailedSendIsLoggedWithoutTheBodyAndNeverThrown() {
        broker.failSends(new IllegalStateException("namespace unreachable"));
        try (ServiceBusDispatchBus bus = bus(Clock.systemUTC(), 0)) {
            assertThatCode(() -> bus.send(new DispatchEvent.AgentChanged("westeurope", "agent-9", "secret-etag")))
                    .doesNotThrowAnyException();
        }

        assertThat(lines(log, "warn")).singleElement().asString()
                .startsWith("event=dispatch_send_failed queue=dispatch region=westeurope type=AgentChanged messageId=agent:agent-9:")
                .endsWith("error=java.lang.IllegalStateException")
                .doesNotContain("secret-etag");
    }

    @Test
    void aSenderThatThrowsAtOnceIsLoggedToo() {
        ServiceBusClients clients = mock(ServiceBusClients.class);
        ServiceBusSenderAsyncClient sender = mock(ServiceBusSenderAsyncClient.class);
        when(clients.asyncSender("dispatch")).thenReturn(sender);
        when(sender.sendMessage(any(ServiceBusMessage.class))).thenThrow(new IllegalStateException("closed"));
        ServiceBusDispatchBus bus = new ServiceBusDispatchBus(clients, "", CODEC, Clock.systemUTC(), 0, RETRY, log);

        assertThatCode(() -> bus.send(new DispatchEvent.Tick("westeurope", NOW))).doesNotThrowAnyException();

        assertThat(lines(log, "warn")).singleElement().asString().contains("event=dispatch_send_failed", "type=Tick");
    }

    @Test
    void aMalformedBodyIsDeadLetteredAtOnce() {
        String region = region();
        broker.enqueue("dispatch", new FakeServiceBus.Stored("{\"type\":\"nonsense\"}".getBytes(StandardCharsets.UTF_8),
                "m-1", region, "application/json"));
        List<DispatchEvent> got = new CopyOnWriteArrayList<>();
        try (ServiceBusDispatchBus bus = bus(Clock.systemUTC(), 0); IntakeQueue.Subscription s = bus.subscribe(region, got::add)) {
            await(() -> !broker.deadLettered().isEmpty());
        }

        FakeServiceBus.DeadLettered dead = broker.deadLettered().get(0);
        assertThat(dead.reason()).isEqualTo(ServiceBusDispatchBus.MALFORMED);
        assertThat(dead.message().deliveryCount).as("dead-lettered on its first delivery").isZero();
        assertThat(got).isEmpty();
        assertThat(lines(log, "warn")).singleElement().asString()
                .isEqualTo("event=dispatch_dead_lettered queue=dispatch region=" + region + " messageId=m-1 reason="
                        + ServiceBusDispatchBus.MALFORMED);
    }

    @Test
    void anEventWhoseHandlerAlwaysFailsIsDeadLetteredByTheQueuesMaxDeliveryCount() {
        String region = region();
        try (ServiceBusDispatchBus bus = bus(Clock.systemUTC(), 0); IntakeQueue.Subscription s = bus.subscribe(region, e -> {
            throw new IllegalStateException("storage down");
        })) {
            bus.send(new DispatchEvent.Tick(region, NOW));
            await(() -> !broker.deadLettered().isEmpty());
        }

        assertThat(broker.deadLettered()).singleElement().extracting(FakeServiceBus.DeadLettered::reason)
                .isEqualTo("MaxDeliveryCountExceeded");
        assertThat(lines(log, "warn")).hasSize(QUEUE_MAX_DELIVERY_COUNT)
                .allMatch(l -> l.startsWith("event=dispatch_handler_failed queue=dispatch region=" + region + " type=Tick"))
                .last().asString().contains("attempt=" + QUEUE_MAX_DELIVERY_COUNT);
    }

    @Test
    void withMaxDeliveriesTheLastFailureIsDeadLetteredHereWithTheReason() {
        String region = region();
        try (ServiceBusDispatchBus bus = bus(Clock.systemUTC(), 2); IntakeQueue.Subscription s = bus.subscribe(region, e -> {
            throw new IllegalStateException("storage down");
        })) {
            bus.send(new DispatchEvent.Tick(region, NOW));
            await(() -> !broker.deadLettered().isEmpty());
        }

        assertThat(broker.deadLettered()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(ServiceBusDispatchBus.HANDLER_FAILED);
            assertThat(d.description()).isEqualTo("handler failed 2 times, last with java.lang.IllegalStateException");
        });
    }

    @Test
    void aRegionHasOneReceiverAtATimeAndTheNextTakesOverWhenItCloses() {
        String region = region();
        List<DispatchEvent> first = new CopyOnWriteArrayList<>();
        List<DispatchEvent> second = new CopyOnWriteArrayList<>();
        try (ServiceBusDispatchBus bus = bus(Clock.systemUTC(), 0)) {
            IntakeQueue.Subscription one = bus.subscribe(region, first::add);
            await(() -> broker.sessionLocked("dispatch", region));
            try (IntakeQueue.Subscription two = bus.subscribe(region, second::add)) {
                await(() -> broker.accepts().stream().filter(a -> a.equals("dispatch/" + region)).count() >= 3);
                bus.send(new DispatchEvent.Tick(region, NOW));
                await(() -> first.size() == 1);
                sleep(200);
                assertThat(second).as("the session is the first subscriber's").isEmpty();

                one.close();
                bus.send(new DispatchEvent.Tick(region, NOW.plusMillis(1)));
                await(() -> second.size() == 1);
            }
        }
        assertThat(first).hasSize(1);
        assertThat(lines(log, "warn")).as("a busy session is expected, not a warning").isEmpty();
    }

    @Test
    void aSubscriptionWhoseSessionIsLostTakesItAgainAndHearsWhatFollows() {
        String region = region();
        List<DispatchEvent> got = new CopyOnWriteArrayList<>();
        try (ServiceBusDispatchBus bus = bus(Clock.systemUTC(), 0); IntakeQueue.Subscription s = bus.subscribe(region, got::add)) {
            await(() -> broker.sessionLocked("dispatch", region));

            broker.loseSession("dispatch", region);
            bus.send(new DispatchEvent.Tick(region, NOW));

            await(() -> got.size() == 1);
            assertThat(broker.accepts()).filteredOn(a -> a.equals("dispatch/" + region)).hasSizeGreaterThanOrEqualTo(2);
        }
        assertThat(lines(log, "warn")).singleElement().asString().isEqualTo("event=servicebus_session_lost queue=dispatch session="
                + region + " retryInMs=50 error=com.azure.messaging.servicebus.ServiceBusException");
    }

    @Test
    void aFailedDeliveryIsGivenBackAfterAPauseThatDoublesUpToAMaximum() {
        assertThat(java.util.stream.LongStream.of(0, 1, 2, 3, 4, 100).mapToObj(count -> {
            com.azure.messaging.servicebus.ServiceBusReceivedMessage m = mock(com.azure.messaging.servicebus.ServiceBusReceivedMessage.class);
            when(m.getDeliveryCount()).thenReturn(count);
            return SessionPump.redeliveryPause(m).toMillis();
        })).containsExactly(50L, 100L, 200L, 400L, 400L, 400L);
    }

    @Test
    void aSubscriptionAcceptsItsSessionWithALockRenewedLongerThanItHoldsIt() {
        try (ServiceBusDispatchBus bus = bus(Clock.systemUTC(), 0); IntakeQueue.Subscription s = bus.subscribe("westeurope", e -> { })) {
            await(() -> broker.sessionLocked("dispatch", "westeurope"));
        }

        assertThat(broker.sessionReceivers()).singleElement().satisfies(r -> {
            assertThat(r.queue()).isEqualTo("dispatch");
            assertThat(r.maxLockRenewal()).isGreaterThan(ServiceBusDispatchBus.MAX_SESSION_HOLD);
        });
        assertThat(broker.sessionLocked("dispatch", "westeurope")).as("released on close").isFalse();
    }

    @Test
    void theQueuePrefixNamesTheQueue() {
        FakeServiceBus prefixed = new FakeServiceBus(3);
        DispatchBus bus = ServiceBusQueues.builder().queuePrefix("dev-").json(Json.mapper()).clients(prefixed).buildDispatchBus();

        bus.send(new DispatchEvent.Tick("westeurope", NOW));

        assertThat(((ServiceBusDispatchBus) bus).queueName()).isEqualTo("dev-dispatch");
        assertThat(prefixed.sent("dev-dispatch")).hasSize(1);
        assertThat(prefixed.sessionReceivers()).as("no receiver until the first subscribe").isEmpty();
        bus.close();
    }

    private void await(BooleanSupplier condition) {
        Eventually.await(Duration.ofSeconds(10), Duration.ofMillis(10), "not within 10 s", condition);
    }
}
