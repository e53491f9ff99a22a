package io.controlplane.adapters.servicebus;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.IntakeQueueContractTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The intake queue contract through the Service Bus adapter's own code, on Mockito mocks of the SDK
 * clients backed by {@link FakeServiceBus}. What that cannot prove is listed on FakeServiceBus;
 * {@code ServiceBusIntakeQueueLiveTest} runs the same contract against a real namespace.
 */
class ServiceBusIntakeQueueTest extends IntakeQueueContractTest {

    /** What Bicep might set; above MAX_DELIVERIES, so the contract exercises the adapter's own limit. */
    private static final int QUEUE_MAX_DELIVERY_COUNT = 10;
    private static final IntakeMessageCodec CODEC = new IntakeMessageCodec(Json.mapper());

    private FakeServiceBus broker;

    @Override
    protected IntakeQueue newQueue() {
        broker = new FakeServiceBus(QUEUE_MAX_DELIVERY_COUNT);
        return ServiceBusQueues.builder().json(Json.mapper()).maxDeliveries(MAX_DELIVERIES).clients(broker).build();
    }

    @Override
    protected List<IntakeMessage> movedAside(IntakeQueue queue) {
        List<IntakeMessage> messages = new ArrayList<>();
        for (FakeServiceBus.DeadLettered d : broker.deadLettered()) {
            try {
                messages.add(CODEC.decode(d.message().body));
            } catch (IntakeMessageCodec.MalformedIntakeMessageException e) {
                // not an intake message: not one of the contract's
            }
        }
        return messages;
    }

    /** Service Bus has no order across queues; each tier queue has its own processor. */
    @Override
    protected boolean handlesHigherTiersFirst() {
        return false;
    }

    @AfterEach
    void everyDeliveryWasSettledExactlyOnce() {
        assertThat(broker.irregularSettlements()).as("deliveries not settled exactly once").isZero();
    }

    @Test
    void theFailingMessageIsDeadLetteredByTheAdapterWithItsReason() {
        IntakeQueue queue = newQueue();
        IntakeMessage message = message(Tier.Standard);
        AtomicInteger attempts = new AtomicInteger();
        queue.publish(message);

        IntakeQueue.Subscription subscription = queue.subscribe(m -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("always");
        });
        awaitDeadLetters(1);
        subscription.close();

        FakeServiceBus.DeadLettered dead = broker.deadLettered().get(0);
        assertThat(dead.queue()).isEqualTo("jobs-standard");
        assertThat(dead.reason()).isEqualTo(SessionMessageHandler.HANDLER_FAILED);
        assertThat(dead.description()).contains("3 times", IllegalStateException.class.getName());
        assertThat(attempts).hasValue(MAX_DELIVERIES);
    }

    @Test
    void withoutALimitOfItsOwnTheAdapterAbandonsUntilTheQueueDeadLetters() {
        broker = new FakeServiceBus(4);
        IntakeQueue queue = ServiceBusQueues.builder().json(Json.mapper()).clients(broker).build();
        IntakeMessage message = message(Tier.Premium);
        AtomicInteger attempts = new AtomicInteger();
        queue.publish(message);

        IntakeQueue.Subscription subscription = queue.subscribe(m -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("always");
        });
        awaitDeadLetters(1);
        subscription.close();

        assertThat(broker.deadLettered().get(0).reason()).isEqualTo("MaxDeliveryCountExceeded");
        assertThat(attempts).hasValue(4);
    }

    @Test
    void aBodyThatIsNoIntakeMessageIsDeadLetteredAtOnce() {
        IntakeQueue queue = newQueue();
        List<IntakeMessage> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        broker.enqueue("jobs-premium", new FakeServiceBus.Stored("{\"region\":\"westeurope\"}".getBytes(), "m1", "westeurope",
                "application/json"));

        IntakeQueue.Subscription subscription = queue.subscribe(handled::add);
        try {
            awaitDeadLetters(1);
        } finally {
            subscription.close();
        }

        FakeServiceBus.DeadLettered dead = broker.deadLettered().get(0);
        assertThat(dead.reason()).isEqualTo(SessionMessageHandler.MALFORMED);
        assertThat(dead.message().deliveryCount).isZero();
        assertThat(handled).isEmpty();
    }

    private void awaitDeadLetters(int count) {
        Instant deadline = Instant.now().plus(patience());
        while (broker.deadLettered().size() < count) {
            assertThat(Instant.now()).as("dead-lettered within %s", patience()).isBefore(deadline);
            try {
                Thread.sleep(Duration.ofMillis(20).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
