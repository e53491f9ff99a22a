package io.controlplane.adapters.servicebus;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * A small in-process broker behind the adapter's {@link ServiceBusClients} seam. The clients it
 * hands out are Mockito mocks of the SDK's own final classes ({@link ServiceBusSenderClient},
 * {@link ServiceBusProcessorClient}, {@link ServiceBusReceivedMessageContext}), so the adapter's
 * publish, settlement and lifecycle code runs exactly as in production; only what happens behind
 * those classes is simulated here.
 *
 * <p>What it models: a FIFO per queue; peek-lock delivery, one message at a time per queue, on a
 * thread of the processor (as the SDK calls processMessage on its own threads); complete removes;
 * abandon puts the message back at the head with its delivery count up by one and dead-letters it
 * once the count reaches the queue's MaxDeliveryCount; dead-letter keeps reason and description;
 * a message left unsettled counts as abandoned (its lock expires). The delivery count starts at 0,
 * as the SDK reports the AMQP header's count of earlier deliveries.
 *
 * <p>What it cannot prove: anything on the wire (AMQP framing, the body and properties as a real
 * namespace stores and returns them), session semantics (locks, several sessions at once, the
 * order within a session), duplicate detection by MessageId, lock renewal and expiry timing,
 * reconnects, the broker's own dead-lettering, and that the delivery count really starts at 0.
 * The live test ({@code ServiceBusIntakeQueueLiveTest}) covers those against a real namespace.
 */
final class FakeServiceBus implements ServiceBusClients {

    /** One message as the broker holds it. */
    static final class Stored {
        final byte[] body;
        final String messageId;
        final String sessionId;
        final String contentType;
        long deliveryCount;

        Stored(byte[] body, String messageId, String sessionId, String contentType) {
            this.body = body;
            this.messageId = messageId;
            this.sessionId = sessionId;
            this.contentType = contentType;
        }
    }

    record DeadLettered(String queue, Stored message, String reason, String description) {
    }

    record ProcessorRequest(String queue, int maxConcurrentSessions, ServiceBusProcessorClient processor) {
    }

    private final int maxDeliveryCount;
    private final Map<String, Deque<Stored>> queues = new HashMap<>();
    private final List<DeadLettered> deadLettered = new ArrayList<>();
    private final Map<String, List<ServiceBusSenderClient>> senders = new HashMap<>();
    private final List<ProcessorRequest> processors = new ArrayList<>();
    private final AtomicInteger irregular = new AtomicInteger();

    /** @param maxDeliveryCount the queues' MaxDeliveryCount (Bicep sets it on the real ones) */
    FakeServiceBus(int maxDeliveryCount) {
        this.maxDeliveryCount = maxDeliveryCount;
    }

    @Override
    public synchronized ServiceBusSenderClient sender(String queueName) {
        ServiceBusSenderClient sender = mock(ServiceBusSenderClient.class);
        doAnswer(invocation -> {
            ServiceBusMessage message = invocation.getArgument(0);
            enqueue(queueName, new Stored(message.getBody().toBytes(), message.getMessageId(), message.getSessionId(),
                    message.getContentType()));
            return null;
        }).when(sender).sendMessage(any(ServiceBusMessage.class));
        when(sender.getEntityPath()).thenReturn(queueName);
        senders.computeIfAbsent(queueName, q -> new ArrayList<>()).add(sender);
        return sender;
    }

    /** Enqueues like {@link #sender}, at once; the Mono it returns is already complete. */
    @Override
    public synchronized ServiceBusSenderAsyncClient asyncSender(String queueName) {
        ServiceBusSenderAsyncClient sender = mock(ServiceBusSenderAsyncClient.class);
        when(sender.sendMessage(any(ServiceBusMessage.class))).thenAnswer(invocation -> {
            ServiceBusMessage message = invocation.getArgument(0);
            enqueue(queueName, new Stored(message.getBody().toBytes(), message.getMessageId(), message.getSessionId(),
                    message.getContentType()));
            return Mono.empty();
        });
        when(sender.getEntityPath()).thenReturn(queueName);
        return sender;
    }

    @Override
    public synchronized ServiceBusProcessorClient sessionProcessor(String queueName, int maxConcurrentSessions,
            Consumer<ServiceBusReceivedMessageContext> processMessage, Consumer<ServiceBusErrorContext> processError) {
        ServiceBusProcessorClient processor = mock(ServiceBusProcessorClient.class);
        Pump pump = new Pump(queueName, processMessage);
        doAnswer(invocation -> pump.start()).when(processor).start();
        doAnswer(invocation -> pump.stop()).when(processor).close();
        when(processor.isRunning()).thenAnswer(invocation -> pump.running);
        when(processor.getQueueName()).thenReturn(queueName);
        processors.add(new ProcessorRequest(queueName, maxConcurrentSessions, processor));
        return processor;
    }

    synchronized void enqueue(String queue, Stored message) {
        queues.computeIfAbsent(queue, q -> new ArrayDeque<>()).addLast(message);
        notifyAll();
    }

    synchronized List<DeadLettered> deadLettered() {
        return List.copyOf(deadLettered);
    }

    synchronized Map<String, List<ServiceBusSenderClient>> senders() {
        return Map.copyOf(senders);
    }

    synchronized List<ProcessorRequest> processors() {
        return List.copyOf(processors);
    }

    /** Deliveries the adapter settled not exactly once (it must settle every one, once). */
    int irregularSettlements() {
        return irregular.get();
    }

    private synchronized Stored take(String queue, Pump pump) throws InterruptedException {
        while (pump.running) {
            Stored next = queues.computeIfAbsent(queue, q -> new ArrayDeque<>()).pollFirst();
            if (next != null) {
                return next;
            }
            wait(50);
        }
        return null;
    }

    private synchronized void settle(String queue, Stored message, String outcome, DeadLetterOptions options) {
        switch (outcome) {
            case "complete" -> { }
            case "deadLetter" -> deadLettered.add(new DeadLettered(queue, message,
                    options == null ? null : options.getDeadLetterReason(),
                    options == null ? null : options.getDeadLetterErrorDescription()));
            default -> { // abandoned, or its lock expired
                message.deliveryCount++;
                if (message.deliveryCount >= maxDeliveryCount) {
                    deadLettered.add(new DeadLettered(queue, message, "MaxDeliveryCountExceeded", null));
                } else {
                    queues.get(queue).addFirst(message);
                    notifyAll();
                }
            }
        }
    }

    /** The processor's receive loop for one queue. */
    private final class Pump {
        private final String queue;
        private final Consumer<ServiceBusReceivedMessageContext> processMessage;
        private volatile boolean running;
        private Thread thread;

        Pump(String queue, Consumer<ServiceBusReceivedMessageContext> processMessage) {
            this.queue = queue;
            this.processMessage = processMessage;
        }

        synchronized Object start() {
            if (!running) {
                running = true;
                thread = new Thread(this::run, "fake-servicebus-" + queue);
                thread.setDaemon(true);
                thread.start();
            }
            return null;
        }

        Object stop() throws InterruptedException {
            Thread t;
            synchronized (this) {
                running = false;
                t = thread;
            }
            if (t != null && t != Thread.currentThread()) {
                t.join(10_000);
            }
            return null;
        }

        private void run() {
            try {
                Stored next;
                while ((next = take(queue, this)) != null) {
                    deliver(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void deliver(Stored stored) {
            ServiceBusReceivedMessage received = mock(ServiceBusReceivedMessage.class);
            when(received.getBody()).thenReturn(BinaryData.fromBytes(stored.body));
            when(received.getMessageId()).thenReturn(stored.messageId);
            when(received.getSessionId()).thenReturn(stored.sessionId);
            when(received.getContentType()).thenReturn(stored.contentType);
            when(received.getDeliveryCount()).thenReturn(stored.deliveryCount);

            ServiceBusReceivedMessageContext context = mock(ServiceBusReceivedMessageContext.class);
            when(context.getMessage()).thenReturn(received);
            when(context.getEntityPath()).thenReturn(queue);
            String[] outcome = {null};
            DeadLetterOptions[] options = {null};
            AtomicInteger settlements = new AtomicInteger();
            doAnswer(i -> {
                settlements.incrementAndGet();
                return outcome[0] = "complete";
            }).when(context).complete();
            doAnswer(i -> {
                settlements.incrementAndGet();
                return outcome[0] = "abandon";
            }).when(context).abandon();
            doAnswer(i -> {
                settlements.incrementAndGet();
                options[0] = i.getArgument(0);
                return outcome[0] = "deadLetter";
            }).when(context).deadLetter(any(DeadLetterOptions.class));

            try {
                processMessage.accept(context);
            } catch (RuntimeException e) {
                // The real processor hands it to processError; the lock then expires.
            }
            if (settlements.get() != 1) {
                irregular.incrementAndGet();
            }
            settle(queue, stored, outcome[0] == null ? "abandon" : outcome[0], options[0]);
        }
    }
}
