package io.controlplane.adapters.storagequeue;

import java.time.Duration;

/** How the standalone host's poller reads the intake queues; validated by {@code PollingBuilder.problems}. */
record PollingOptions(
        int maxDequeueCount,
        Duration visibilityTimeout,
        Duration retryDelay,
        Duration minIdleWait,
        Duration maxIdleWait,
        int batchSize,
        Duration closeTimeout) {
}
