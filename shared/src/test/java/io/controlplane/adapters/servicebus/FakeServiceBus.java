package io.controlplane.adapters.servicebus;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.azure.core.util.BinaryData;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.servicebus.ServiceBusErrorContext;
import com.azure.messaging.servicebus.ServiceBusErrorSource;
import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusProcessorClient;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceivedMessageContext;
import com.azure.messaging.servicebus.ServiceBusReceiverAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSenderClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverAsyncClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
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
 * <p>Sessions, for {@link #sessionReceiver} (the dispatch bus and agent inboxes): {@code acceptSession(id)}
 * locks session {@code id} of the queue for one receiver, and fails with the SDK's
 * {@code SESSION_CANNOT_BE_LOCKED} while another holds it; the receiver's {@code receiveMessages()}
 * hands out the session's messages in order, as many as requested; complete, abandon and dead-letter
 * settle as above; closing the receiver releases the lock and puts back what it had not settled
 * (as abandoned). A message whose TimeToLive has passed is dropped, never delivered.
 *
 * <p>What it cannot prove: anything on the wire (AMQP framing, the body and properties as a real
 * namespace stores and returns them), the processor's session semantics (several sessions at once,
 * the order within a session), duplicate detection by MessageId, lock renewal and expiry timing,
 * reconnects, the broker's own dead-lettering, and that the delivery count really starts at 0.
 * The live tests ({@code ServiceBusIntakeQueueLiveTest}, {@code ServiceBusDispatchBusLiveTest},
 * {@code ServiceBusAgentInboxLiveTest}) cover those against a real namespace.
 */
final class FakeServiceBus implements ServiceBusClients {

    /** One message as the broker holds it. */
    static final class Stored {
        final byte[] body;
        final String messageId;
        final String sessionId;
        final String contentType;
        long deliveryCount;
        /** When its TimeToLive ends (null: the queue's default, never here). */
        Instant expiresAt;

        Stored(byte[] body, String messageId, String sessionId, String contentType) {
            this.body = body;
            this.messageId = messageId;
            this.sessionId = sessionId;
            this.contentType = contentType;
        }

        static Stored of(ServiceBusMessage message) {
            Stored stored = new Stored(message.getBody().toBytes(), message.getMessageId(), message.getSessionId(),
                    message.getContentType());
            if (message.getTimeToLive() != null) {
                stored.expiresAt = Instant.now().plus(message.getTimeToLive());
            }
            return stored;
        }
    }

    record DeadLettered(String queue, Stored message, String reason, String description) {
    }

    record ProcessorRequest(String queue, int maxConcurrentSessions, ServiceBusProcessorClient processor) {
    }

    record SessionReceiverRequest(String queue, Duration maxLockRenewal, ServiceBusSessionReceiverAsyncClient client) {
    }

    private final int maxDeliveryCount;
    private final Map<String, Deque<Stored>> queues = new HashMap<>();
    private final List<DeadLettered> deadLettered = new ArrayList<>();
    private final Map<String, List<ServiceBusSenderClient>> senders = new HashMap<>();
    private final List<ProcessorRequest> processors = new ArrayList<>();
    private final AtomicInteger irregular = new AtomicInteger();
    private final List<SessionReceiverRequest> sessionReceivers = new ArrayList<>();
    /** queue + '/' + session id: the link that holds its lock. */
    private final Map<String, SessionLink> sessionLocks = new HashMap<>();
    private final Map<String, List<ServiceBusMessage>> sent = new HashMap<>();
    private final List<String> accepts = new ArrayList<>();
    private volatile RuntimeException sendFailure;
    private volatile Duration acceptDelay = Duration.ZERO;

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
            RuntimeException failure = sendFailure;
            if (failure != null) {
                return Mono.error(failure);
            }
            synchronized (this) {
                sent.computeIfAbsent(queueName, q -> new ArrayList<>()).add(message);
            }
            enqueue(queueName, Stored.of(message));
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

    /**
     * A receiver of chosen sessions ({@code acceptSession}); see the class comment for what it models.
     * {@code acceptSession} answers on the caller's thread, as soon as the lock is taken or refused
     * (or after {@link #acceptDelay}).
     */
    @Override
    public synchronized ServiceBusSessionReceiverAsyncClient sessionReceiver(String queueName, Duration maxLockRenewal) {
        ServiceBusSessionReceiverAsyncClient client = mock(ServiceBusSessionReceiverAsyncClient.class);
        when(client.acceptSession(any())).thenAnswer(invocation -> {
            String sessionId = invocation.getArgument(0);
            Duration delay = acceptDelay;
            Mono<ServiceBusReceiverAsyncClient> accept = Mono.fromCallable(() -> accept(queueName, sessionId));
            return delay.isZero() ? accept : Mono.delay(delay).then(accept);
        });
        sessionReceivers.add(new SessionReceiverRequest(queueName, maxLockRenewal, client));
        return client;
    }

    /** From now on {@code acceptSession} answers after {@code delay} (a round trip to the namespace). */
    void acceptDelay(Duration delay) {
        this.acceptDelay = delay;
    }

    /** From now on every async send fails with {@code failure} (null: they succeed again). */
    void failSends(RuntimeException failure) {
        this.sendFailure = failure;
    }

    /** What the async senders sent to {@code queue}, in order. */
    synchronized List<ServiceBusMessage> sent(String queue) {
        return List.copyOf(sent.getOrDefault(queue, List.of()));
    }

    /** Every {@code acceptSession} asked for, as {@code queue/session}, locked or refused. */
    synchronized List<String> accepts() {
        return List.copyOf(accepts);
    }

    synchronized List<SessionReceiverRequest> sessionReceivers() {
        return List.copyOf(sessionReceivers);
    }

    /** Whether a receiver holds the session's lock now. */
    synchronized boolean sessionLocked(String queue, String sessionId) {
        return sessionLocks.containsKey(queue + "/" + sessionId);
    }

    /** The session's lock is lost under its receiver, whose receive stream fails with SESSION_LOCK_LOST. */
    void loseSession(String queue, String sessionId) {
        SessionLink link;
        synchronized (this) {
            link = sessionLocks.get(queue + "/" + sessionId);
        }
        if (link != null) {
            link.lose();
        }
    }

    /** Messages of the session waiting (not handed out, not expired). */
    synchronized int waiting(String queue, String sessionId) {
        Instant now = Instant.now();
        return (int) queues.getOrDefault(queue, new ArrayDeque<>()).stream()
                .filter(m -> sessionId.equals(m.sessionId) && (m.expiresAt == null || m.expiresAt.isAfter(now)))
                .count();
    }

    private synchronized ServiceBusReceiverAsyncClient accept(String queue, String sessionId) {
        accepts.add(queue + "/" + sessionId);
        String key = queue + "/" + sessionId;
        if (sessionLocks.containsKey(key)) {
            throw new ServiceBusException(new AmqpException(false, AmqpErrorCondition.SESSION_CANNOT_BE_LOCKED,
                    "The requested session '" + sessionId + "' cannot be accepted. It may be locked by another receiver.",
                    null), ServiceBusErrorSource.ACCEPT_SESSION);
        }
        SessionLink link = new SessionLink(queue, sessionId);
        sessionLocks.put(key, link);
        return link.client;
    }

    /** The first message of the session in the queue, removed; expired ones on the way are dropped. */
    private synchronized Stored takeFromSession(String queue, String sessionId) {
        Instant now = Instant.now();
        Iterator<Stored> it = queues.computeIfAbsent(queue, q -> new ArrayDeque<>()).iterator();
        while (it.hasNext()) {
            Stored next = it.next();
            if (!sessionId.equals(next.sessionId)) {
                continue;
            }
            it.remove();
            if (next.expiresAt == null || next.expiresAt.isAfter(now)) {
                return next;
            }
        }
        return null;
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

    /** Messages completed so far (all queues). */
    synchronized int completed() {
        return completed;
    }

    private int completed;

    private synchronized void settle(String queue, Stored message, String outcome, DeadLetterOptions options) {
        switch (outcome) {
            case "complete" -> completed++;
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

    private static ServiceBusReceivedMessage received(Stored stored) {
        ServiceBusReceivedMessage received = mock(ServiceBusReceivedMessage.class);
        when(received.getBody()).thenReturn(BinaryData.fromBytes(stored.body));
        when(received.getMessageId()).thenReturn(stored.messageId);
        when(received.getSessionId()).thenReturn(stored.sessionId);
        when(received.getContentType()).thenReturn(stored.contentType);
        when(received.getDeliveryCount()).thenReturn(stored.deliveryCount);
        return received;
    }

    /** One accepted session: its receiver client, the lock, and what it handed out unsettled. */
    private final class SessionLink {
        private final String queue;
        private final String sessionId;
        private final ServiceBusReceiverAsyncClient client = mock(ServiceBusReceiverAsyncClient.class);
        private final Map<ServiceBusReceivedMessage, Stored> unsettled = new IdentityHashMap<>();
        private final AtomicLong requested = new AtomicLong();
        private volatile boolean open = true;
        private volatile FluxSink<ServiceBusReceivedMessage> sink;
        private Thread thread;

        SessionLink(String queue, String sessionId) {
            this.queue = queue;
            this.sessionId = sessionId;
            when(client.getSessionId()).thenReturn(sessionId);
            when(client.getEntityPath()).thenReturn(queue);
            when(client.receiveMessages()).thenAnswer(i -> Flux.<ServiceBusReceivedMessage>create(this::pump));
            when(client.complete(any())).thenAnswer(i -> settleLater(i.getArgument(0), "complete", null));
            when(client.abandon(any())).thenAnswer(i -> settleLater(i.getArgument(0), "abandon", null));
            when(client.deadLetter(any(), any())).thenAnswer(i -> settleLater(i.getArgument(0), "deadLetter", i.getArgument(1)));
            doAnswer(i -> {
                release();
                return null;
            }).when(client).close();
        }

        private Mono<Void> settleLater(ServiceBusReceivedMessage message, String outcome, DeadLetterOptions options) {
            return Mono.fromRunnable(() -> {
                Stored stored;
                synchronized (FakeServiceBus.this) {
                    if (!open) {
                        throw new IllegalStateException("the receiver of session " + sessionId + " is closed");
                    }
                    stored = unsettled.remove(message);
                }
                if (stored == null) {
                    irregular.incrementAndGet();
                    throw new IllegalStateException("message " + message.getMessageId() + " is settled already");
                }
                settle(queue, stored, outcome, options);
            });
        }

        private synchronized void pump(FluxSink<ServiceBusReceivedMessage> sink) {
            this.sink = sink;
            sink.onRequest(n -> requested.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b));
            thread = new Thread(() -> run(sink), "fake-servicebus-" + queue + "-" + sessionId);
            thread.setDaemon(true);
            thread.start();
        }

        private void run(FluxSink<ServiceBusReceivedMessage> sink) {
            while (open && !sink.isCancelled()) {
                Stored next = null;
                synchronized (FakeServiceBus.this) {
                    if (requested.get() > 0 && open) {
                        next = takeFromSession(queue, sessionId);
                    }
                    if (next == null) {
                        try {
                            FakeServiceBus.this.wait(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                        continue;
                    }
                    requested.decrementAndGet();
                }
                ServiceBusReceivedMessage message = received(next);
                synchronized (FakeServiceBus.this) {
                    unsettled.put(message, next);
                }
                sink.next(message);
            }
            sink.complete();
        }

        /** The lock is lost (expired, or the link dropped): the receive stream fails as the SDK's does. */
        void lose() {
            FluxSink<ServiceBusReceivedMessage> s = sink;
            if (s != null) {
                s.error(new ServiceBusException(new AmqpException(false, AmqpErrorCondition.SESSION_LOCK_LOST,
                        "The session lock has expired on the MessageSession.", null), ServiceBusErrorSource.RECEIVE));
            }
            release();
        }

        /** Closing the receiver: the lock goes, and what it had not settled comes back (as abandoned). */
        private void release() {
            List<Stored> back;
            synchronized (FakeServiceBus.this) {
                if (!open) {
                    return;
                }
                open = false;
                sessionLocks.remove(queue + "/" + sessionId, this);
                back = new ArrayList<>(unsettled.values());
                unsettled.clear();
                FakeServiceBus.this.notifyAll();
            }
            back.forEach(stored -> settle(queue, stored, "abandon", null));
            Thread t = thread;
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
