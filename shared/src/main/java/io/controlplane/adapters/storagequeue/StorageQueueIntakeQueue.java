package io.controlplane.adapters.storagequeue;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.QueueMessageDecodingError;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake queues on Azure Storage Queues. Bodies are Base64 of the JSON (what a Functions
 * {@code @QueueTrigger} decodes by default). Poison handling follows the Functions convention: a
 * message dequeued {@code maxDequeueCount} times without success goes to {@code <queue>-poison},
 * byte for byte as it arrived.
 */
final class StorageQueueIntakeQueue implements IntakeQueue {

    private static final Logger LOG = LoggerFactory.getLogger(StorageQueueIntakeQueue.class);

    private final QueueNames names;
    private final PollingOptions options;
    private final IntakeMessageCodec codec;
    /** Base64-encoding clients: what publish, receive and ordinary poison moves use. */
    private final Map<Tier, QueueClient> queues = new EnumMap<>(Tier.class);
    private final Map<Tier, QueueClient> poisonQueues = new EnumMap<>(Tier.class);
    /** Clients without encoding, by queue name: to move a body that is not even Base64 unchanged. */
    private final Map<String, QueueClient> rawQueues = new HashMap<>();

    StorageQueueIntakeQueue(QueueNames names, PollingOptions options, IntakeMessageCodec codec) {
        this.names = names;
        this.options = options;
        this.codec = codec;
    }

    /**
     * Binds the clients and creates the six queues if they are missing.
     *
     * @param encoded a service client with {@code QueueMessageEncoding.BASE64} whose decoding-error
     *        handler calls {@link #moveUndecodable}
     * @param raw the same account with {@code QueueMessageEncoding.NONE}
     */
    StorageQueueIntakeQueue connect(QueueServiceClient encoded, QueueServiceClient raw) {
        for (Tier tier : QueueNames.HIGHEST_TIER_FIRST) {
            queues.put(tier, encoded.getQueueClient(names.queue(tier)));
            poisonQueues.put(tier, encoded.getQueueClient(names.poison(tier)));
            rawQueues.put(names.queue(tier), raw.getQueueClient(names.queue(tier)));
            rawQueues.put(names.poison(tier), raw.getQueueClient(names.poison(tier)));
        }
        // Poison queues too, up front: operators and tests find them even before the first failure.
        rawQueues.values().forEach(QueueClient::createIfNotExists);
        return this;
    }

    @Override
    public void publish(IntakeMessage message) {
        queues.get(message.tier()).sendMessage(BinaryData.fromBytes(codec.encode(message)));
    }

    @Override
    public Subscription subscribe(Consumer<IntakeMessage> handler) {
        QueuePoller poller = new QueuePoller(this, handler, options);
        poller.start();
        return poller;
    }

    /** Up to a batch of visible messages of one tier, hidden for the visibility timeout. */
    List<QueueMessageItem> receive(Tier tier) {
        return queues.get(tier)
                .receiveMessages(options.batchSize(), options.visibilityTimeout(), null, Context.NONE)
                .stream().toList();
    }

    IntakeMessage decode(QueueMessageItem item) throws IntakeMessageCodec.MalformedIntakeMessageException {
        return codec.decode(item.getBody().toBytes());
    }

    /** The handler is done with it. A failure here only means it reappears and is handled again. */
    void delete(Tier tier, QueueMessageItem item) {
        try {
            queues.get(tier).deleteMessage(item.getMessageId(), item.getPopReceipt());
        } catch (QueueStorageException e) {
            LOG.warn("event=intake_delete_failed queue={} messageId={} status={} note=it_will_be_delivered_again",
                    names.queue(tier), item.getMessageId(), e.getStatusCode());
        }
    }

    /** Makes the message visible again after {@code delay} (its dequeue count is already up by one). */
    void release(Tier tier, QueueMessageItem item, Duration delay) {
        try {
            queues.get(tier).updateMessage(item.getMessageId(), item.getPopReceipt(), null, delay);
        } catch (QueueStorageException e) {
            // Lost pop receipt (the handler outlived the visibility timeout): it reappears anyway.
            LOG.warn("event=intake_release_failed queue={} messageId={} status={}", names.queue(tier), item.getMessageId(),
                    e.getStatusCode());
        }
    }

    /** Copies the message to the tier's poison queue, then deletes it: at worst it is in both. */
    void moveToPoison(Tier tier, QueueMessageItem item, String reason) {
        try {
            poisonQueues.get(tier).sendMessage(item.getBody());
            queues.get(tier).deleteMessage(item.getMessageId(), item.getPopReceipt());
            LOG.warn("event=intake_moved_to_poison queue={} messageId={} dequeueCount={} reason=\"{}\"",
                    names.queue(tier), item.getMessageId(), item.getDequeueCount(), reason);
        } catch (QueueStorageException e) {
            LOG.warn("event=intake_poison_move_failed queue={} messageId={} status={}", names.queue(tier),
                    item.getMessageId(), e.getStatusCode());
        }
    }

    /**
     * Without this handler, one body that is not Base64 would fail every receive of its queue and
     * stall the tier; the SDK leaves it out of the batch and hands it here instead.
     */
    void moveUndecodable(QueueMessageDecodingError error) {
        QueueMessageItem item = error.getQueueMessageItem();
        if (item == null) {
            return; // a peek, not a receive: nothing to move
        }
        String queue = error.getQueueAsyncClient().getQueueName();
        QueueClient source = rawQueues.get(queue);
        QueueClient poison = rawQueues.get(queue + QueueNames.POISON_SUFFIX);
        if (source == null || poison == null) {
            return;
        }
        try {
            poison.sendMessage(item.getBody());
            source.deleteMessage(item.getMessageId(), item.getPopReceipt());
            LOG.warn("event=intake_moved_to_poison queue={} messageId={} dequeueCount={} reason=\"body is not Base64\"",
                    queue, item.getMessageId(), item.getDequeueCount());
        } catch (QueueStorageException e) {
            LOG.warn("event=intake_poison_move_failed queue={} messageId={} status={}", queue, item.getMessageId(),
                    e.getStatusCode());
        }
    }

    String queueName(Tier tier) {
        return names.queue(tier);
    }

    /** Deletes this prefix's six queues (tests and tear-down). */
    void deleteQueues() {
        rawQueues.values().forEach(QueueClient::deleteIfExists);
    }
}
