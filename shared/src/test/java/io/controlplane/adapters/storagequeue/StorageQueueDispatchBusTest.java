package io.controlplane.adapters.storagequeue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClientBuilder;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchBusContractTest;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.testing.Azurite;
import io.controlplane.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatch bus contract on real Storage Queues (Azurite), plus what only this adapter does. */
class StorageQueueDispatchBusTest extends DispatchBusContractTest {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final int MAX_DELIVERIES = 3;
    private static final DispatchCodec CODEC = new DispatchCodec(Json.mapper());

    private final List<StorageQueueDispatchBus> built = new ArrayList<>();
    private String prefix;

    private static String connection() {
        return Azurite.shared().connectionString();
    }

    private StorageQueueDispatchBus.Builder builder() {
        prefix = "d" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet() + "-";
        return StorageQueueDispatchBus.builder()
                .connectionString(connection())
                .queuePrefix(prefix)
                .json(Json.mapper())
                .maxDequeueCount(MAX_DELIVERIES)
                .visibilityTimeout(Duration.ofSeconds(1))
                .retryDelay(Duration.ZERO)
                .idleWait(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private StorageQueueDispatchBus build(StorageQueueDispatchBus.Builder builder) {
        StorageQueueDispatchBus bus = builder.build();
        built.add(bus);
        return bus;
    }

    @Override
    protected DispatchBus newBus() {
        return build(builder());
    }

    /** Longer than the visibility timeout: a message left hidden would be back by then. */
    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(1500);
    }

    @AfterEach
    void deleteQueues() {
        built.forEach(bus -> {
            bus.close();
            bus.deleteQueues();
        });
    }

    private static QueueClient client(QueueMessageEncoding encoding, String queueName) {
        return new QueueServiceClientBuilder().connectionString(connection()).serviceVersion(StorageQueues.SERVICE_VERSION)
                .messageEncoding(encoding).buildClient().getQueueClient(queueName);
    }

    /** The bodies waiting in the queue as sent (none while the queue does not exist yet). */
    static List<String> raw(String queueName) {
        try {
            return client(QueueMessageEncoding.NONE, queueName).peekMessages(32, null, null).stream()
                    .map(item -> item.getBody().toString()).toList();
        } catch (com.azure.storage.queue.models.QueueStorageException e) {
            if (e.getStatusCode() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRegionsEventsGoToItsOwnQueueAsBase64OfTheCodecsJson() {
        StorageQueueDispatchBus bus = build(builder());
        String region = region();
        DispatchEvent.Ready ready = new DispatchEvent.Ready(region, Tier.Premium, "tenant-1", "job-1", 7);

        bus.send(ready);

        String queue = prefix + "dispatch-" + region;
        assertThat(bus.queueName(region)).isEqualTo(queue);
        await(() -> !raw(queue).isEmpty());
        assertThat(raw(queue)).containsExactly(Base64.getEncoder().encodeToString(CODEC.encode(ready)));
    }

    @Test
    void anEventLivesForTheTimeToLiveAndAnAsksUntilItsPollEnds() {
        StorageQueueDispatchBus bus = build(builder().eventTimeToLive(Duration.ofMinutes(5)));
        String region = region();
        Instant now = Instant.now();
        bus.send(new DispatchEvent.Tick(region, now));
        bus.send(new DispatchEvent.Asks(region, "agent-1", null, "instance-a", now.plusSeconds(60)));
        QueueClient queue = client(QueueMessageEncoding.BASE64, bus.queueName(region));

        await(() -> raw(bus.queueName(region)).size() == 2);
        List<Instant> expiries = queue.peekMessages(32, null, null).stream()
                .map(item -> item.getExpirationTime().toInstant()).sorted().toList();

        assertThat(expiries.get(0)).isBetween(now.plusSeconds(55), now.plusSeconds(65));
        assertThat(expiries.get(1)).isBetween(now.plusSeconds(295), now.plusSeconds(305));
    }

    @Test
    void aBodyThatIsNoEventGoesToPoisonAtOnceWithoutStallingTheRegion() {
        StorageQueueDispatchBus bus = build(builder());
        String region = region();
        String queue = bus.queueName(region);
        QueueClient encoded = client(QueueMessageEncoding.BASE64, queue);
        encoded.createIfNotExists();
        encoded.sendMessage("{\"type\":\"nonsense\"}");
        client(QueueMessageEncoding.NONE, queue).sendMessage("plain text, not base64!");
        DispatchEvent tick = new DispatchEvent.Tick(region, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        bus.send(tick);
        List<DispatchEvent> handled = new CopyOnWriteArrayList<>();

        try (IntakeQueue.Subscription s = bus.subscribe(region, handled::add)) {
            await(() -> handled.contains(tick) && raw(queue + "-poison").size() == 2);
        }

        assertThat(handled).containsExactly(tick);
        assertThat(raw(queue + "-poison")).containsExactlyInAnyOrder(base64("{\"type\":\"nonsense\"}"),
                "plain text, not base64!");
        assertThat(raw(queue)).isEmpty();
    }

    @Test
    void anEventWhoseHandlerAlwaysFailsIsMovedAsideAfterTheMaximumDeliveries() {
        StorageQueueDispatchBus bus = build(builder());
        String region = region();
        String queue = bus.queueName(region);
        AtomicInteger deliveries = new AtomicInteger();
        DispatchEvent event = new DispatchEvent.AgentChanged(region, "agent-1", "etag-1");
        bus.send(event);

        try (IntakeQueue.Subscription s = bus.subscribe(region, e -> {
            deliveries.incrementAndGet();
            throw new IllegalStateException("always");
        })) {
            await(() -> !raw(queue + "-poison").isEmpty());
        }

        assertThat(deliveries.get()).isEqualTo(MAX_DELIVERIES);
        assertThat(raw(queue + "-poison")).containsExactly(Base64.getEncoder().encodeToString(CODEC.encode(event)));
    }

    @Test
    void aRegionIsLowerCasedAndSanitizedIntoTheQueueName() {
        StorageQueueDispatchBus bus = build(builder());

        assertThat(bus.queueName("West_Europe")).isEqualTo(prefix + "dispatch-west-europe");
        assertThat(bus.queueName("--eu..north--")).isEqualTo(prefix + "dispatch-eu-north");
    }

    @Test
    void aRegionThatCannotNameAQueueFailsClearlyOnSubscribeAndIsDroppedOnSend() {
        StorageQueueDispatchBus bus = build(builder());
        String tooLong = "r".repeat(60);

        assertThatThrownBy(() -> bus.subscribe("__", e -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region '__' cannot name a Storage queue");
        assertThatThrownBy(() -> bus.subscribe(tooLong, e -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region '" + tooLong + "' cannot name a Storage queue")
                .hasMessageContaining("at most 56");
        assertThatCode(() -> bus.send(new DispatchEvent.Tick("__", Instant.now()))).doesNotThrowAnyException();
    }

    @Test
    void theBuilderNamesEveryProblem() {
        assertThatThrownBy(() -> StorageQueueDispatchBus.builder().queuePrefix("Bad--").maxDequeueCount(0)
                .visibilityTimeout(Duration.ZERO).idleWait(Duration.ofSeconds(2), Duration.ofSeconds(1)).sending(0, 0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("connection string or a queue endpoint", "queue prefix", "ObjectMapper",
                        "maxDequeueCount", "visibilityTimeout", "idle waits", "sending");
    }

    private void await(BooleanSupplier condition) {
        Eventually.await(patience(), Duration.ofMillis(50), "condition not met within " + patience(), condition);
    }
}
