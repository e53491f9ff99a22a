package io.controlplane.adapters.storagequeue;

import static io.controlplane.testing.Eventually.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.PeekedMessageItem;
import io.controlplane.api.Json;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.AgentInboxContractTest;
import io.controlplane.ports.OfferNote;
import io.controlplane.testing.Azurite;
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
import org.junit.jupiter.api.Test;

/** The agent inbox contract on real Storage Queues (Azurite), plus what only this adapter does. */
class StorageQueueAgentInboxTest extends AgentInboxContractTest {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final List<StorageQueueAgentInbox> built = new ArrayList<>();
    private String prefix = newPrefix();

    private static String connection() {
        return Azurite.shared().connectionString();
    }

    private static String newPrefix() {
        return "o" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet() + "-";
    }

    private StorageQueueAgentInbox inbox(String instanceId) {
        StorageQueueAgentInbox inbox = StorageQueueAgentInbox.builder()
                .connectionString(connection())
                .queuePrefix(prefix)
                .json(Json.mapper())
                .instanceId(instanceId)
                .visibilityTimeout(Duration.ofSeconds(1))
                .idleWait(Duration.ofMillis(20), Duration.ofMillis(200))
                .build();
        built.add(inbox);
        return inbox;
    }

    @Override
    protected AgentInbox[] newInboxes() {
        return new AgentInbox[] {inbox("instance-a"), inbox("instance-b")};
    }

    @AfterEach
    void closeAll() {
        built.forEach(StorageQueueAgentInbox::close);
    }

    private static QueueClient queue(String name) {
        return new QueueServiceClientBuilder().connectionString(connection()).serviceVersion(StorageQueues.SERVICE_VERSION)
                .buildClient().getQueueClient(name);
    }

    private static boolean exists(String name) {
        try {
            queue(name).getProperties();
            return true;
        } catch (com.azure.storage.queue.models.QueueStorageException e) {
            if (e.getStatusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static OfferNote offer(String agentId, Instant expiresAt) {
        return new OfferNote("westeurope", agentId, "tenant-1", "job-1", "lease-1", 1, expiresAt);
    }

    @Test
    void theAddressIsTheInstancesQueueWhicheverAgentAsksAndItExistsOnlyWhileDelivering() {
        StorageQueueAgentInbox inbox = inbox("Host_A.example:8080");
        String address = inbox.replyTo("agent-1");
        assertThat(inbox.replyTo("agent-2")).isEqualTo(address);
        assertThat(address).isEqualTo(prefix + "offers-host-a-example-8080");
        assertThat(exists(address)).isFalse();

        inbox.deliverTo(o -> { });
        assertThat(exists(address)).isTrue(); // before any address is handed out

        inbox.close();
        assertThat(exists(address)).isFalse();
        assertThat(exists(address + "-poison")).isFalse();
    }

    @Test
    void aLongInstanceIdStillMakesAValidDistinctQueueName() {
        String start = "x".repeat(80);
        String one = inbox(start + "-1").replyTo("a");
        String two = inbox(start + "-2").replyTo("a");

        assertThat(one).isNotEqualTo(two);
        assertThat(List.of(one, two)).allSatisfy(name -> {
            assertThat(QueueNames.isValidQueueName(name + QueueNames.POISON_SUFFIX)).isTrue();
            assertThat(name).startsWith(prefix + "offers-x");
        });
    }

    @Test
    void anOfferLivesUntilItExpires() {
        StorageQueueAgentInbox receiver = inbox("receiver-" + UUID.randomUUID().toString().substring(0, 8));
        StorageQueueAgentInbox sender = inbox("sender");
        QueueClient target = queue(receiver.replyTo("a"));
        target.createIfNotExists(); // the receiver's queue, without polling it
        Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(120);

        sender.post(receiver.replyTo("a"), offer("agent-1", expiresAt));

        await(() -> target.peekMessage() != null);
        PeekedMessageItem item = target.peekMessage();
        assertThat(item.getExpirationTime().toInstant()).isBetween(expiresAt.minusSeconds(5), expiresAt.plusSeconds(5));
    }

    @Test
    void offersReachTheHandlerOfTheInstanceThatWasClosedNoMore() {
        StorageQueueAgentInbox receiver = inbox("gone-" + UUID.randomUUID().toString().substring(0, 8));
        StorageQueueAgentInbox sender = inbox("sender");
        List<OfferNote> got = new CopyOnWriteArrayList<>();
        receiver.deliverTo(got::add);
        String address = receiver.replyTo("a");
        await(() -> exists(address));
        receiver.close();

        sender.post(address, offer("agent-1", Instant.now().plusSeconds(60)));
        sleep(500);

        assertThat(got).isEmpty();
        assertThat(exists(address)).isFalse(); // the post did not create it
    }

    private void await(BooleanSupplier condition) {
        Eventually.await(patience(), Duration.ofMillis(50), "condition not met within " + patience(), condition);
    }
}
