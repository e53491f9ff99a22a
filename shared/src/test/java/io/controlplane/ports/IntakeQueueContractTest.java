package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.controlplane.domain.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one contract every {@link IntakeQueue} adapter passes: Storage Queues on Azurite, Service Bus
 * with mocked SDK clients (and live, when a namespace is configured), and the in-memory queue.
 *
 * <p>Each test works in its own random region and ignores (accepts) messages of any other region,
 * so a shared queue with leftovers (a live namespace) does not disturb it.
 */
public abstract class IntakeQueueContractTest {

    /** Deliveries after which a message that always fails must be moved aside, in every adapter under test. */
    protected static final int MAX_DELIVERIES = 3;

    private final List<IntakeQueue.Subscription> subscriptions = new ArrayList<>();
    private IntakeQueue queue;
    private String region;

    /** A queue isolated from other tests that moves a message aside after {@link #MAX_DELIVERIES} failed deliveries. */
    protected abstract IntakeQueue newQueue();

    /** Every message the adapter has moved aside (poison queues, dead-letter queues) that the test can see. */
    protected abstract List<IntakeMessage> movedAside(IntakeQueue queue);

    /** Whether waiting Platinum messages are handled before Premium, and Premium before Standard. */
    protected boolean handlesHigherTiersFirst() {
        return true;
    }

    /** How long to wait for a delivery that must come. */
    protected Duration patience() {
        return Duration.ofSeconds(15);
    }

    /** How long to watch for a delivery that must not come (longer than the adapter's redelivery delay). */
    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }

    /** Releases what {@link #newQueue()} created. */
    protected void dispose(IntakeQueue queue) {
    }

    @BeforeEach
    void createQueue() {
        queue = newQueue();
        region = "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @AfterEach
    void closeQueue() {
        subscriptions.forEach(IntakeQueue.Subscription::close);
        queue.close();
        dispose(queue);
    }

    @Test
    void aPublishedMessageIsDeliveredOnceWithTheSameFields() {
        Recorder recorder = subscribe(new Recorder());
        IntakeMessage message = message(Tier.Premium);

        queue.publish(message);

        await("the message is delivered", () -> recorder.attempts().size() == 1);
        quiet();
        assertThat(recorder.attempts()).containsExactly(message);
        assertThat(ours(movedAside(queue))).isEmpty();
    }

    @Test
    void everyTierIsDelivered() {
        Recorder recorder = subscribe(new Recorder());
        List<IntakeMessage> messages = List.of(message(Tier.Standard), message(Tier.Premium), message(Tier.Platinum));

        messages.forEach(queue::publish);

        await("one message of each tier is delivered", () -> recorder.attempts().size() == 3);
        assertThat(recorder.attempts()).containsExactlyInAnyOrderElementsOf(messages);
    }

    @Test
    void waitingPlatinumIsHandledBeforePremiumAndPremiumBeforeStandard() {
        List<IntakeMessage> messages = List.of(message(Tier.Standard), message(Tier.Standard), message(Tier.Premium),
                message(Tier.Premium), message(Tier.Platinum), message(Tier.Platinum));
        messages.forEach(queue::publish);

        Recorder recorder = subscribe(new Recorder());

        await("all six are delivered", () -> recorder.attempts().size() == 6);
        assertThat(recorder.attempts()).containsExactlyInAnyOrderElementsOf(messages);
        if (handlesHigherTiersFirst()) {
            assertThat(recorder.attempts().stream().map(IntakeMessage::tier).toList())
                    .containsExactly(Tier.Platinum, Tier.Platinum, Tier.Premium, Tier.Premium, Tier.Standard, Tier.Standard);
        }
    }

    @Test
    void aHandlerThatThrowsGetsTheMessageAgain() {
        IntakeMessage message = message(Tier.Standard);
        Recorder recorder = subscribe(new Recorder().failing(message, 1));

        queue.publish(message);

        await("the message comes back after the failure", () -> recorder.attempts().size() == 2);
        quiet();
        assertThat(recorder.attempts()).containsExactly(message, message);
        assertThat(ours(movedAside(queue))).isEmpty();
    }

    @Test
    void aMessageThatAlwaysFailsIsMovedAsideAndNotDeliveredForever() {
        IntakeMessage poison = message(Tier.Platinum);
        IntakeMessage healthy = message(Tier.Platinum);
        Recorder recorder = subscribe(new Recorder().failing(poison, Integer.MAX_VALUE));

        queue.publish(poison);
        queue.publish(healthy);

        await("the failing message is moved aside", () -> ours(movedAside(queue)).contains(poison));
        quiet();
        assertThat(recorder.attempts().stream().filter(poison::equals)).hasSize(MAX_DELIVERIES);
        assertThat(recorder.attempts().stream().filter(healthy::equals)).hasSize(1);
        assertThat(ours(movedAside(queue))).containsExactly(poison);
    }

    @Test
    void closingASubscriptionStopsDeliveryAndLeavesLaterMessagesForTheNext() {
        Recorder first = new Recorder();
        IntakeQueue.Subscription subscription = queue.subscribe(first);
        IntakeMessage before = message(Tier.Premium);
        queue.publish(before);
        await("the first subscriber gets the first message", () -> first.attempts().size() == 1);

        subscription.close();
        IntakeMessage after = message(Tier.Premium);
        queue.publish(after);
        quiet();

        assertThat(first.attempts()).containsExactly(before);
        Recorder second = subscribe(new Recorder());
        await("the next subscriber gets the later message", () -> second.attempts().contains(after));
        assertThat(second.attempts()).containsExactly(after);
    }

    /** This test's region (SessionId on Service Bus): every message of {@link #message(Tier)} carries it. */
    protected final String region() {
        return region;
    }

    protected final IntakeMessage message(Tier tier) {
        return new IntakeMessage(region, tier, "tenant-" + UUID.randomUUID(), "job-" + UUID.randomUUID());
    }

    private <T extends Consumer<IntakeMessage>> T subscribe(T handler) {
        subscriptions.add(queue.subscribe(handler));
        return handler;
    }

    private List<IntakeMessage> ours(List<IntakeMessage> messages) {
        return messages.stream().filter(m -> m.region().equals(region)).toList();
    }

    private void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(patience());
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("Within " + patience() + ": " + what);
            }
            sleep(Duration.ofMillis(20));
        }
    }

    private void quiet() {
        sleep(quietPeriod());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Records every delivery of this test's region (failed ones too) and fails on request. */
    private final class Recorder implements Consumer<IntakeMessage> {
        private final List<IntakeMessage> attempts = new ArrayList<>();
        private final Map<IntakeMessage, Integer> failuresLeft = new HashMap<>();

        synchronized Recorder failing(IntakeMessage message, int times) {
            failuresLeft.put(message, times);
            return this;
        }

        @Override
        public synchronized void accept(IntakeMessage message) {
            if (!message.region().equals(region)) {
                return; // another test's (or an earlier run's) message: accept it so it drains
            }
            attempts.add(message);
            int left = failuresLeft.getOrDefault(message, 0);
            if (left > 0) {
                failuresLeft.put(message, left - 1);
                throw new IllegalStateException("handler fails on purpose");
            }
        }

        synchronized List<IntakeMessage> attempts() {
            return List.copyOf(attempts);
        }
    }
}
