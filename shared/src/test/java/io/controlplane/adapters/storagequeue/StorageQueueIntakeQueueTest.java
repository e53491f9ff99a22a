package io.controlplane.adapters.storagequeue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.azure.storage.queue.models.QueueItem;
import com.azure.storage.queue.models.QueuesSegmentOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.api.Json;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.IntakeQueueContractTest;
import io.controlplane.testing.Azurite;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The intake queue contract on real Storage Queues (Azurite), plus what only this adapter does. */
class StorageQueueIntakeQueueTest extends IntakeQueueContractTest {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final IntakeMessageCodec CODEC = new IntakeMessageCodec(Json.mapper());

    /** Short, so that "delivered once" can be checked by waiting past it. */
    private static final Duration VISIBILITY = Duration.ofSeconds(2);

    private final List<StorageQueueIntakeQueue> built = new ArrayList<>();
    private String prefix;

    private static String connection() {
        return Azurite.shared().connectionString();
    }

    private StorageQueues.Builder builder() {
        prefix = "t" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet() + "-";
        return StorageQueues.builder()
                .connectionString(connection())
                .queuePrefix(prefix)
                .json(Json.mapper())
                .maxDequeueCount(MAX_DELIVERIES)
                .visibilityTimeout(VISIBILITY)
                .idleWait(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    private StorageQueueIntakeQueue build(StorageQueues.Builder builder) {
        StorageQueueIntakeQueue queue = (StorageQueueIntakeQueue) builder.build();
        built.add(queue);
        return queue;
    }

    @Override
    protected IntakeQueue newQueue() {
        return build(builder());
    }

    @Override
    protected List<IntakeMessage> movedAside(IntakeQueue queue) {
        List<IntakeMessage> messages = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            for (PeekedMessageItem item : client(QueueMessageEncoding.BASE64, new QueueNames(prefix).poison(tier)).peekMessages(32, null, null)) {
                try {
                    messages.add(CODEC.decode(item.getBody().toBytes()));
                } catch (IntakeMessageCodec.MalformedIntakeMessageException e) {
                    // a malformed message moved aside by a test of its own
                }
            }
        }
        return messages;
    }

    @Override
    protected Duration quietPeriod() {
        return VISIBILITY.plusMillis(500);
    }

    @Override
    protected void dispose(IntakeQueue queue) {
        built.forEach(StorageQueueIntakeQueue::deleteQueues);
    }

    private static QueueClient client(QueueMessageEncoding encoding, String queueName) {
        return new QueueServiceClientBuilder().connectionString(connection()).serviceVersion(StorageQueues.SERVICE_VERSION)
                .messageEncoding(encoding).buildClient().getQueueClient(queueName);
    }

    private List<String> rawPoison(Tier tier) {
        return client(QueueMessageEncoding.NONE, new QueueNames(prefix).poison(tier)).peekMessages(32, null, null).stream()
                .map(item -> item.getBody().toString()).toList();
    }

    @Test
    void theSixQueuesAreCreatedUnderThePrefix() {
        build(builder());

        QueueServiceClient service = new QueueServiceClientBuilder().connectionString(connection())
                .serviceVersion(StorageQueues.SERVICE_VERSION).buildClient();
        // Azurite 3.35 refuses the SDK's empty "include=" (400); asking for metadata sends a value it accepts.
        List<String> names = service.listQueues(new QueuesSegmentOptions().setPrefix(prefix).setIncludeMetadata(true), null, null)
                .stream().map(QueueItem::getName).toList();

        assertThat(names).containsExactlyInAnyOrder(prefix + "jobs-platinum", prefix + "jobs-premium", prefix + "jobs-standard",
                prefix + "jobs-platinum-poison", prefix + "jobs-premium-poison", prefix + "jobs-standard-poison");
    }

    @Test
    void aMessageIsBase64OfItsJsonAsTheFunctionsQueueTriggerExpects() throws Exception {
        IntakeQueue queue = build(builder());
        IntakeMessage message = message(Tier.Premium);

        queue.publish(message);

        PeekedMessageItem raw = client(QueueMessageEncoding.NONE, prefix + "jobs-premium").peekMessage();
        JsonNode json = Json.mapper().readTree(Base64.getDecoder().decode(raw.getBody().toString()));
        assertThat(json.size()).isEqualTo(5);
        assertThat(json.get("region").asText()).isEqualTo(message.region());
        assertThat(json.get("tier").asText()).isEqualTo("Premium");
        assertThat(json.get("tenantId").asText()).isEqualTo(message.tenantId());
        assertThat(json.get("jobId").asText()).isEqualTo(message.jobId());
        assertThat(json.get("epoch").asLong()).isEqualTo(message.epoch());
    }

    @Test
    void aBodyThatIsNoIntakeMessageGoesToPoisonAtOnceWithoutStallingItsTier() {
        IntakeQueue queue = build(builder());
        List<IntakeMessage> handled = new CopyOnWriteArrayList<>();
        IntakeMessage healthy = message(Tier.Standard);
        client(QueueMessageEncoding.BASE64, prefix + "jobs-standard").sendMessage("{\"tier\":\"Gold\"}");
        queue.publish(healthy);

        IntakeQueue.Subscription subscription = queue.subscribe(handled::add);
        try {
            await(() -> handled.contains(healthy) && !rawPoison(Tier.Standard).isEmpty());
        } finally {
            subscription.close();
        }

        assertThat(handled).containsExactly(healthy);
        assertThat(rawPoison(Tier.Standard)).containsExactly(
                Base64.getEncoder().encodeToString("{\"tier\":\"Gold\"}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBodyThatIsNotEvenBase64GoesToPoisonUnchanged() {
        IntakeQueue queue = build(builder());
        List<IntakeMessage> handled = new CopyOnWriteArrayList<>();
        IntakeMessage healthy = message(Tier.Platinum);
        client(QueueMessageEncoding.NONE, prefix + "jobs-platinum").sendMessage("plain text, not base64!");
        queue.publish(healthy);

        IntakeQueue.Subscription subscription = queue.subscribe(handled::add);
        try {
            await(() -> handled.contains(healthy) && !rawPoison(Tier.Platinum).isEmpty());
        } finally {
            subscription.close();
        }

        assertThat(handled).containsExactly(healthy);
        assertThat(rawPoison(Tier.Platinum)).containsExactly("plain text, not base64!");
    }

    @Test
    void aMessageWhoseHandlerNeverAnsweredIsMovedAsideWithoutHandlingIt() {
        IntakeQueue queue = build(builder());
        IntakeMessage message = message(Tier.Premium);
        queue.publish(message);
        // Three receives that never delete: what a host that crashes in the handler leaves behind.
        QueueClient premium = client(QueueMessageEncoding.BASE64, prefix + "jobs-premium");
        for (int i = 0; i < MAX_DELIVERIES; i++) {
            await(() -> premium.receiveMessages(1, Duration.ofSeconds(1), null, null).stream().findAny().isPresent());
        }
        List<IntakeMessage> handled = new CopyOnWriteArrayList<>();

        IntakeQueue.Subscription subscription = queue.subscribe(handled::add);
        try {
            await(() -> movedAside(queue).contains(message));
        } finally {
            subscription.close();
        }

        assertThat(handled).isEmpty();
    }

    @Test
    void closingAnIdleSubscriptionDoesNotWaitOutTheIdlePause() {
        IntakeQueue queue = build(builder().idleWait(Duration.ofSeconds(5), Duration.ofSeconds(5)));
        IntakeQueue.Subscription subscription = queue.subscribe(m -> { });
        sleep(Duration.ofMillis(500)); // the first empty round is done: the poller is pausing

        Instant start = Instant.now();
        subscription.close();

        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void closeLetsTheRunningHandlerFinishAndItsMessageIsNotDeliveredAgain() throws Exception {
        IntakeQueue queue = build(builder());
        IntakeMessage message = message(Tier.Standard);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean finished = new AtomicBoolean();
        queue.publish(message);
        IntakeQueue.Subscription subscription = queue.subscribe(m -> {
            started.countDown();
            sleep(Duration.ofMillis(500));
            finished.set(true);
        });
        assertThat(started.await(15, TimeUnit.SECONDS)).isTrue();

        subscription.close();

        assertThat(finished).isTrue();
        List<IntakeMessage> later = new CopyOnWriteArrayList<>();
        IntakeQueue.Subscription next = queue.subscribe(later::add);
        try {
            sleep(quietPeriod());
        } finally {
            next.close();
        }
        assertThat(later).isEmpty();
    }

    @Test
    void theIdleWaitDoublesUpToItsMaximumAndStartsOverAfterAMessage() {
        IdleBackoff backoff = new IdleBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waits.add(backoff.next().toMillis());
        }
        backoff.reset();

        assertThat(waits).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L);
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theBuilderNamesEveryProblem() {
        assertThatThrownBy(() -> StorageQueues.builder().queuePrefix("Jobs").maxDequeueCount(0).batchSize(33)
                .visibilityTimeout(Duration.ZERO).idleWait(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("connection string or a queue endpoint", "queue prefix", "ObjectMapper",
                        "maxDequeueCount", "visibilityTimeout", "idle waits", "batchSize");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "cp", "cp-", "a1-b2-", "abcdefghijabcdefghijabcdefghijabcdefghijabc"})
    void queuePrefixesThatMakeValidQueueNames(String prefix) {
        assertThat(QueueNames.isValidPrefix(prefix)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Cp", "-cp", "c--p", "cp--", "c_p", "c.p", "abcdefghijabcdefghijabcdefghijabcdefghijabcd"})
    void queuePrefixesThatDoNot(String prefix) {
        assertThat(QueueNames.isValidPrefix(prefix)).isFalse();
    }

    private void await(BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(patience());
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition met within %s", patience()).isBefore(deadline);
            sleep(Duration.ofMillis(50));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
