package io.controlplane.adapters.storagequeue;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.models.QueueMessageDecodingError;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What the dispatch bus and the agent inbox on Storage Queues are built from: the account, the
 * prefix, how their queue is read (short idle waits: a dispatcher or a waiting poll is on the other
 * end), and how many threads send. {@link #problems()} names every invalid setting at once.
 */
abstract class PollingBuilder<B extends PollingBuilder<B>> implements StorageQueues.AccountBuilder<B> {

    String connectionString;
    String endpoint;
    String queuePrefix = "";
    ObjectMapper json;
    int maxDequeueCount = StorageQueues.FUNCTIONS_MAX_DEQUEUE_COUNT;
    Duration visibilityTimeout = Duration.ofSeconds(10);
    Duration retryDelay = Duration.ofMillis(100);
    Duration minIdleWait = Duration.ofMillis(25);
    Duration maxIdleWait = Duration.ofSeconds(1);
    int batchSize = 16;
    Duration closeTimeout = Duration.ofSeconds(30);
    int sendThreads = 2;
    int sendBacklog = 10_000;

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** A storage connection string (Azurite or account key); takes precedence over the endpoint. */
    @Override
    public B connectionString(String value) { this.connectionString = value; return self(); }

    /** The account's queue endpoint, {@code https://<account>.queue.core.windows.net}, used with DefaultAzureCredential. */
    @Override
    public B endpoint(String value) { this.endpoint = value; return self(); }

    /** Lower-case letters, digits and single hyphens (may be empty), at most 43. */
    @Override
    public B queuePrefix(String value) { this.queuePrefix = value; return self(); }

    @Override
    public B json(ObjectMapper value) { this.json = value; return self(); }

    /** Deliveries before a message goes to the poison queue (default 5). */
    public B maxDequeueCount(int value) { this.maxDequeueCount = value; return self(); }

    /**
     * How long a received message stays hidden (default 10 s): a handler must finish within it, and
     * a message whose handler never answered (the host died) is delivered again after it.
     */
    public B visibilityTimeout(Duration value) { this.visibilityTimeout = value; return self(); }

    /** How long a message whose handler threw stays hidden before its next try (default 100 ms). */
    public B retryDelay(Duration value) { this.retryDelay = value; return self(); }

    /** The idle poller waits {@code min}, doubling up to {@code max}, between empty receives (default 25 ms to 1 s). */
    public B idleWait(Duration min, Duration max) { this.minIdleWait = min; this.maxIdleWait = max; return self(); }

    /** Messages received per request (1 to 32). */
    public B batchSize(int value) { this.batchSize = value; return self(); }

    /** How long closing a subscription waits for a running handler. */
    public B closeTimeout(Duration value) { this.closeTimeout = value; return self(); }

    /** Threads that send (default 2), and how many sends may wait for them (default 10 000; past that, dropped). */
    public B sending(int threads, int backlog) { this.sendThreads = threads; this.sendBacklog = backlog; return self(); }

    List<String> problems() {
        List<String> problems = problems(connectionString, endpoint, queuePrefix, json, options());
        if (sendThreads < 1 || sendBacklog < 1) {
            problems.add("sending needs at least 1 thread and a backlog of at least 1");
        }
        return problems;
    }

    /**
     * What is wrong with the account, prefix, mapper and reading settings of any Storage Queue port
     * (this builder's and {@link StorageQueues.Builder}'s): every problem, in a list open to more.
     */
    static List<String> problems(String connectionString, String endpoint, String queuePrefix, ObjectMapper json,
                                 PollingOptions options) {
        List<String> problems = new ArrayList<>();
        if (!hasConnectionString(connectionString) && (endpoint == null || endpoint.isBlank())) {
            problems.add("Storage Queues need a connection string or a queue endpoint");
        }
        if (!QueueNames.isValidPrefix(queuePrefix)) {
            problems.add("queue prefix must be lower-case letters, digits and single hyphens, not starting with a hyphen, at most "
                    + QueueNames.MAX_PREFIX_LENGTH);
        }
        if (json == null) {
            problems.add("an ObjectMapper is required");
        }
        if (options.maxDequeueCount() < 1) {
            problems.add("maxDequeueCount must be at least 1");
        }
        if (!StorageQueues.within(options.visibilityTimeout(), Duration.ofSeconds(1), Duration.ofDays(7))) {
            problems.add("visibilityTimeout must be from 1 s to 7 days");
        }
        if (!StorageQueues.within(options.retryDelay(), Duration.ZERO, Duration.ofDays(7))) {
            problems.add("retryDelay must be from 0 to 7 days");
        }
        if (!StorageQueues.within(options.minIdleWait(), Duration.ofMillis(1), Duration.ofMinutes(1))
                || !StorageQueues.within(options.maxIdleWait(), options.minIdleWait(), Duration.ofMinutes(1))) {
            problems.add("idle waits must be from 1 ms to 1 min, the minimum not above the maximum");
        }
        if (options.batchSize() < 1 || options.batchSize() > 32) {
            problems.add("batchSize must be from 1 to 32");
        }
        if (!StorageQueues.within(options.closeTimeout(), Duration.ZERO, Duration.ofMinutes(10))) {
            problems.add("closeTimeout must be from 0 to 10 min");
        }
        return problems;
    }

    static void check(String what, List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid " + what + " settings:\n - " + String.join("\n - ", problems));
        }
    }

    PollingOptions options() {
        return new PollingOptions(maxDequeueCount, visibilityTimeout, retryDelay, minIdleWait, maxIdleWait, batchSize,
                closeTimeout);
    }

    private static boolean hasConnectionString(String connectionString) {
        return connectionString != null && !connectionString.isBlank();
    }

    /** The account's two clients: [Base64 with {@code undecodable} as its decoding-error handler, raw]. */
    QueueServiceClient[] clients(Consumer<QueueMessageDecodingError> undecodable) {
        return clients(connectionString, endpoint, undecodable);
    }

    /**
     * The account's two clients, for any Storage Queue port: [Base64 with {@code undecodable} as its
     * decoding-error handler, raw]; the connection string if there is one, else the endpoint with
     * DefaultAzureCredential.
     */
    static QueueServiceClient[] clients(String connectionString, String endpoint,
                                        Consumer<QueueMessageDecodingError> undecodable) {
        TokenCredential credential = hasConnectionString(connectionString) ? null : new DefaultAzureCredentialBuilder().build();
        return new QueueServiceClient[] {
                StorageQueues.client(connectionString, endpoint, QueueMessageEncoding.BASE64, credential)
                        .processMessageDecodingError(undecodable).buildClient(),
                StorageQueues.client(connectionString, endpoint, QueueMessageEncoding.NONE, credential).buildClient()};
    }

    /**
     * The sending threads (daemons): a full backlog drops the send (the caller never waits; what was
     * dropped is a hint that the timer or the next poll repeats), and {@code onDropped} is told.
     */
    ThreadPoolExecutor sender(String threadName, Runnable onDropped) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(sendThreads, sendThreads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(sendBacklog),
                r -> {
                    Thread t = new Thread(r, threadName + "-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, (r, executor) -> onDropped.run());
    }
}
