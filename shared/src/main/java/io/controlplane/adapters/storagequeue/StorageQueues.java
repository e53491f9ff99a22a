package io.controlplane.adapters.storagequeue;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.credential.TokenCredential;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.QueueServiceClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.QueueServiceVersion;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.ports.IntakeQueue;
import java.time.Duration;

/**
 * Factory for the intake queues on Azure Storage Queues (Azurite locally, a storage account when
 * self-hosted without Service Bus): queues {@code <prefix>jobs-platinum}, {@code -premium},
 * {@code -standard} and their {@code -poison} queues, created if missing.
 */
public final class StorageQueues {

    /** The Functions queue trigger's default maxDequeueCount. */
    public static final int FUNCTIONS_MAX_DEQUEUE_COUNT = 5;

    /**
     * The service version the client speaks. Pinned because the SDK's default (newest) may be ahead
     * of what Azurite or a sovereign cloud accepts; raise it deliberately with the SDK BOM.
     */
    static final QueueServiceVersion SERVICE_VERSION = QueueServiceVersion.V2025_11_05;

    private StorageQueues() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * What the builder of every port on Storage Queues (intake queues, dispatch bus, agent inbox)
     * is told alike: the account, the queue prefix and the mapper.
     */
    public interface AccountBuilder<B extends AccountBuilder<B>> {
        /** A storage connection string (Azurite or account key); takes precedence over the endpoint. */
        B connectionString(String value);

        /** The account's queue endpoint, {@code https://<account>.queue.core.windows.net}, used with DefaultAzureCredential. */
        B endpoint(String value);

        /** Lower-case letters, digits and single hyphens (may be empty), at most 43. */
        B queuePrefix(String value);

        B json(ObjectMapper value);
    }

    /** Settings for {@link #build()}, which checks them all and names every problem. */
    public static final class Builder implements AccountBuilder<Builder> {
        private String connectionString;
        private String endpoint;
        private String queuePrefix = "";
        private ObjectMapper json;
        private int maxDequeueCount = FUNCTIONS_MAX_DEQUEUE_COUNT;
        private Duration visibilityTimeout = Duration.ofSeconds(30);
        private Duration retryDelay = Duration.ZERO;
        private Duration minIdleWait = Duration.ofMillis(100);
        private Duration maxIdleWait = Duration.ofSeconds(1);
        private int batchSize = 16;
        private Duration closeTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** A storage connection string (Azurite or account key); takes precedence over the endpoint. */
        @Override
        public Builder connectionString(String value) { this.connectionString = value; return this; }

        /** The account's queue endpoint, {@code https://<account>.queue.core.windows.net}, used with DefaultAzureCredential. */
        @Override
        public Builder endpoint(String value) { this.endpoint = value; return this; }

        /** Lower-case letters, digits and single hyphens (may be empty), at most 43. */
        @Override
        public Builder queuePrefix(String value) { this.queuePrefix = value; return this; }

        @Override
        public Builder json(ObjectMapper value) { this.json = value; return this; }

        /** Dequeues before a message goes to the poison queue (Functions: 5). */
        public Builder maxDequeueCount(int value) { this.maxDequeueCount = value; return this; }

        /** How long a received message stays hidden; a handler must finish within it. */
        public Builder visibilityTimeout(Duration value) { this.visibilityTimeout = value; return this; }

        /** How long a message whose handler threw stays hidden before its next try (Functions: 0). */
        public Builder retryDelay(Duration value) { this.retryDelay = value; return this; }

        /** The idle poller waits {@code min}, doubling up to {@code max}, between empty rounds. */
        public Builder idleWait(Duration min, Duration max) { this.minIdleWait = min; this.maxIdleWait = max; return this; }

        /** Messages received per request (1 to 32). */
        public Builder batchSize(int value) { this.batchSize = value; return this; }

        /** How long closing a subscription waits for a running handler. */
        public Builder closeTimeout(Duration value) { this.closeTimeout = value; return this; }

        /** Connects, creates the queues if they are missing, and returns the port. */
        public IntakeQueue build() {
            PollingOptions options = new PollingOptions(maxDequeueCount, visibilityTimeout, retryDelay, minIdleWait,
                    maxIdleWait, batchSize, closeTimeout);
            PollingBuilder.check("Storage Queue", PollingBuilder.problems(connectionString, endpoint, queuePrefix, json, options));
            StorageQueueIntakeQueue queue = new StorageQueueIntakeQueue(new QueueNames(queuePrefix), options,
                    new IntakeMessageCodec(json));
            QueueServiceClient[] clients = PollingBuilder.clients(connectionString, endpoint, queue::moveUndecodable);
            return queue.connect(clients[0], clients[1]);
        }
    }

    /**
     * A service client builder for the account: the pinned service version, the SDK's exponential
     * retry policy, no HTTP logging (bodies and SAS must not reach a log); the connection string when
     * {@code credential} is null, else the endpoint with the credential.
     */
    static QueueServiceClientBuilder client(String connectionString, String endpoint, QueueMessageEncoding encoding,
                                            TokenCredential credential) {
        QueueServiceClientBuilder builder = new QueueServiceClientBuilder()
                .serviceVersion(SERVICE_VERSION)
                .messageEncoding(encoding)
                .retryOptions(new RetryOptions(new ExponentialBackoffOptions()
                        .setMaxRetries(4)
                        .setBaseDelay(Duration.ofMillis(200))
                        .setMaxDelay(Duration.ofSeconds(4))))
                .httpLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE));
        return credential == null ? builder.connectionString(connectionString) : builder.endpoint(endpoint).credential(credential);
    }

    static boolean within(Duration value, Duration min, Duration max) {
        return value != null && min != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
    }
}
