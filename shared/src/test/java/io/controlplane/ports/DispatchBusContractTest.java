package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Tier;
import io.controlplane.testing.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link DispatchBus} adapter passes: Storage Queues on Azurite, Service Bus with
 * mocked SDK clients (and live, when a namespace is configured), and the in-memory bus. Each test
 * works in random regions of its own.
 */
public abstract class DispatchBusContractTest {

    private final List<IntakeQueue.Subscription> subscriptions = new ArrayList<>();
    private DispatchBus bus;
    private String region;

    /** A bus isolated from other tests; it moves an event aside after a few failed deliveries. */
    protected abstract DispatchBus newBus();

    protected Duration patience() {
        return Duration.ofSeconds(15);
    }

    /** Longer than the adapter's redelivery delay. */
    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }

    protected void dispose(DispatchBus bus) {
    }

    @BeforeEach
    void createBus() {
        bus = newBus();
        region = region();
    }

    @AfterEach
    void closeBus() {
        subscriptions.forEach(IntakeQueue.Subscription::close);
        bus.close();
        dispose(bus);
    }

    protected static String region() {
        return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private static Instant millis() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void everyKindOfEventArrivesOnceWithTheSameFields() {
        List<DispatchEvent> got = subscribe(region, new CopyOnWriteArrayList<>(), 0);
        List<DispatchEvent> events = List.of(
                new DispatchEvent.Asks(region, "agent-1", "W/\"datetime'2026-12-02T01%3A02%3A03.1234567Z'\"", "instance-a",
                        millis().plusSeconds(30)),
                new DispatchEvent.Ready(region, Tier.Premium, "tenant-1", "job-1", 3),
                new DispatchEvent.AgentChanged(region, "agent-2", "etag-2"),
                new DispatchEvent.AgentChanged(region, "agent-3", null),
                new DispatchEvent.Tick(region, millis()));
        events.forEach(bus::send);

        await(() -> got.size() >= events.size());
        quiet();
        assertThat(got).containsExactlyInAnyOrderElementsOf(events);
    }

    @Test
    void aRegionHearsOnlyItsOwnEvents() {
        String other = region();
        List<DispatchEvent> here = subscribe(region, new CopyOnWriteArrayList<>(), 0);
        List<DispatchEvent> there = subscribe(other, new CopyOnWriteArrayList<>(), 0);

        bus.send(new DispatchEvent.Tick(region, millis()));
        bus.send(new DispatchEvent.Ready(other, Tier.Standard, "t", "j", 0));

        await(() -> here.size() == 1 && there.size() == 1);
        quiet();
        assertThat(here).singleElement().isInstanceOf(DispatchEvent.Tick.class);
        assertThat(there).singleElement().isInstanceOf(DispatchEvent.Ready.class);
    }

    @Test
    void eventsSentBeforeTheRegionHasASubscriberWaitForIt() {
        DispatchEvent early = new DispatchEvent.Ready(region, Tier.Platinum, "t", "waiting", 0);
        bus.send(early);
        quiet();

        List<DispatchEvent> got = subscribe(region, new CopyOnWriteArrayList<>(), 0);

        await(() -> !got.isEmpty());
        assertThat(got).containsExactly(early);
    }

    @Test
    void anEventWhoseHandlerFailsIsDeliveredAgain() {
        AtomicInteger failures = new AtomicInteger();
        List<DispatchEvent> got = new CopyOnWriteArrayList<>();
        subscriptions.add(bus.subscribe(region, e -> {
            if (failures.getAndIncrement() == 0) {
                throw new IllegalStateException("first delivery fails");
            }
            got.add(e);
        }));
        DispatchEvent tick = new DispatchEvent.Tick(region, millis());

        bus.send(tick);

        await(() -> !got.isEmpty());
        assertThat(got).containsExactly(tick);
        assertThat(failures.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aClosedSubscriptionHearsNothingMore() {
        List<DispatchEvent> got = new CopyOnWriteArrayList<>();
        IntakeQueue.Subscription s = bus.subscribe(region, got::add);
        bus.send(new DispatchEvent.Tick(region, millis()));
        await(() -> got.size() == 1);

        s.close();
        bus.send(new DispatchEvent.Tick(region, millis().plusMillis(1)));
        quiet();

        assertThat(got).hasSize(1);
        // ... and the event waits for the region's next subscriber.
        List<DispatchEvent> next = subscribe(region, new CopyOnWriteArrayList<>(), 0);
        await(() -> next.size() == 1);
    }

    private List<DispatchEvent> subscribe(String region, List<DispatchEvent> into, int ignored) {
        subscriptions.add(bus.subscribe(region, into::add));
        return into;
    }

    private void await(BooleanSupplier condition) {
        Eventually.await(patience(), Duration.ofMillis(10), "not delivered within " + patience(), condition);
    }

    private void quiet() {
        Eventually.sleep(quietPeriod());
    }
}
