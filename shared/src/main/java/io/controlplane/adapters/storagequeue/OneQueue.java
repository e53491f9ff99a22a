package io.controlplane.adapters.storagequeue;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.QueueMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Storage queue and its {@code -poison} queue, created on first use (once; a failed create is
 * tried again on the next use). What {@link OneQueuePoller} and the senders of the dispatch bus and
 * the agent inbox share. The encoded client carries Base64 bodies; the raw one moves a body that is
 * not even Base64 aside unchanged.
 */
final class OneQueue implements Poller.Settlement {

    private final String name;
    private final String logKind;
    private final QueueClient queue;
    private final QueueClient poison;
    private final QueueClient rawQueue;
    private final QueueClient rawPoison;
    private volatile boolean created;

    /**
     * @param logKind what the log lines start with ({@code dispatch}, {@code offers})
     */
    OneQueue(String name, String logKind, QueueServiceClient encoded, QueueServiceClient raw) {
        this.name = name;
        this.logKind = logKind;
        this.queue = encoded.getQueueClient(name);
        this.poison = encoded.getQueueClient(name + QueueNames.POISON_SUFFIX);
        this.rawQueue = raw.getQueueClient(name);
        this.rawPoison = raw.getQueueClient(name + QueueNames.POISON_SUFFIX);
    }

    String name() {
        return name;
    }

    String logKind() {
        return logKind;
    }

    /** Creates the queue and its poison queue if missing; after the first success, costs nothing. */
    void ensureCreated() {
        if (created) {
            return;
        }
        synchronized (this) {
            if (!created) {
                rawQueue.createIfNotExists();
                rawPoison.createIfNotExists();
                created = true;
            }
        }
    }

    /** Sends a body (Base64 on the wire), living at most {@code timeToLive} (null: the service's 7 days). */
    void send(byte[] body, Duration timeToLive) {
        ensureCreated();
        try {
            queue.sendMessageWithResponse(BinaryData.fromBytes(body), null, timeToLive, null, Context.NONE);
        } catch (QueueStorageException e) {
            forgetIfMissing(e);
            throw e;
        }
    }

    /** Up to {@code batchSize} visible messages, hidden for {@code visibility}. */
    List<QueueMessageItem> receive(int batchSize, Duration visibility) {
        ensureCreated();
        try {
            return queue.receiveMessages(batchSize, visibility, null, Context.NONE).stream().toList();
        } catch (QueueStorageException e) {
            forgetIfMissing(e);
            throw e;
        }
    }

    /**
     * A queue deleted behind our back (by an operator, or still being deleted when it was "created":
     * Storage refuses the name for a while after a delete) is created again at the next use.
     */
    private void forgetIfMissing(QueueStorageException e) {
        if (e.getStatusCode() == 404) {
            created = false;
        }
    }

    /** The handler is done with it. A failure here only means it reappears and is handled again. */
    @Override
    public void delete(QueueMessageItem item) {
        try {
            queue.deleteMessage(item.getMessageId(), item.getPopReceipt());
        } catch (QueueStorageException e) {
            log().warn("event={}_delete_failed queue={} messageId={} status={} note=it_will_be_delivered_again", logKind, name,
                    item.getMessageId(), e.getStatusCode());
        }
    }

    /** Makes the message visible again after {@code delay} (its dequeue count is already up by one). */
    @Override
    public void release(QueueMessageItem item, Duration delay) {
        try {
            queue.updateMessage(item.getMessageId(), item.getPopReceipt(), null, delay);
        } catch (QueueStorageException e) {
            // Lost pop receipt (the handler outlived the visibility timeout): it reappears anyway.
            log().warn("event={}_release_failed queue={} messageId={} status={}", logKind, name, item.getMessageId(),
                    e.getStatusCode());
        }
    }

    /** Copies the message to the poison queue, then deletes it: at worst it is in both. */
    @Override
    public void moveToPoison(QueueMessageItem item, String reason) {
        moveAside(poison, queue, item, reason);
    }

    /** As {@link #moveToPoison}, for a body the SDK could not decode from Base64: moved byte for byte. */
    void moveUndecodable(QueueMessageItem item) {
        moveAside(rawPoison, rawQueue, item, "body is not Base64");
    }

    private void moveAside(QueueClient to, QueueClient from, QueueMessageItem item, String reason) {
        try {
            to.sendMessage(item.getBody());
            from.deleteMessage(item.getMessageId(), item.getPopReceipt());
            log().warn("event={}_moved_to_poison queue={} messageId={} dequeueCount={} reason=\"{}\"", logKind, name,
                    item.getMessageId(), item.getDequeueCount(), reason);
        } catch (QueueStorageException e) {
            log().warn("event={}_poison_move_failed queue={} messageId={} status={}", logKind, name, item.getMessageId(),
                    e.getStatusCode());
        }
    }

    /** Deletes the queue and its poison queue (an instance's inbox at close; tests). */
    void delete() {
        rawQueue.deleteIfExists();
        rawPoison.deleteIfExists();
        created = false;
    }

    private static Logger log() {
        return LoggerFactory.getLogger(OneQueue.class);
    }
}
