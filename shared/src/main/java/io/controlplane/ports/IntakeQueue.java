package io.controlplane.ports;

import java.util.function.Consumer;

/**
 * The tier intake queues ({@code jobs-platinum}, {@code jobs-premium}, {@code jobs-standard}).
 * A message only wakes dispatch for its region; the ready queue in Table Storage is the source of
 * truth, so a lost or duplicated message never loses or duplicates a job.
 */
public interface IntakeQueue extends AutoCloseable {

    /** Sends the message to its tier's queue (Service Bus: SessionId = region, MessageId = job id). */
    void publish(IntakeMessage message);

    /**
     * Delivers messages of every tier queue to {@code handler} until the returned handle is closed
     * (the standalone host's consumer; in Azure, Functions triggers do this). A message whose
     * handler throws is delivered again, and after the queue's maximum delivery count it is moved
     * aside (dead-letter queue / poison queue), never dropped silently.
     */
    Subscription subscribe(Consumer<IntakeMessage> handler);

    /**
     * Releases what the adapter holds open (Service Bus senders and their AMQP connection). Close
     * the subscriptions first; publishing after this is an error.
     */
    @Override
    default void close() {
    }

    /** A running subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
