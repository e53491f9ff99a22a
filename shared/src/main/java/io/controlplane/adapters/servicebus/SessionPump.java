package io.controlplane.adapters.servicebus;

import com.azure.messaging.servicebus.ServiceBusException;
import com.azure.messaging.servicebus.ServiceBusFailureReason;
import com.azure.messaging.servicebus.ServiceBusReceivedMessage;
import com.azure.messaging.servicebus.ServiceBusReceiverAsyncClient;
import com.azure.messaging.servicebus.ServiceBusSessionReceiverAsyncClient;
import com.azure.messaging.servicebus.models.DeadLetterOptions;
import io.controlplane.ports.IntakeQueue;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Receives one session of a session-enabled queue until closed: the region's session of
 * {@code dispatch}, or an agent's session of {@code agent-inbox}. Whoever holds a session's lock is
 * its only receiver, so this is how "one dispatcher per region" and "offers reach the instance the
 * agent's poll waits on" are kept by Service Bus itself.
 *
 * <p>It accepts the session once (one AMQP link on the shared connection, its lock renewed by the
 * SDK), hands the messages to {@code handle} one at a time on a thread of its own (never the SDK's
 * I/O thread: a handler may block on storage), and settles each as {@code handle} says. When the session
 * cannot be had (another receiver holds its lock) or is lost (lock lost, link or connection dropped),
 * it accepts it again after {@code retryDelay}, until closed. A message whose handler failed is
 * abandoned after a short pause ({@link #redeliveryPause}), so it comes again, and Service Bus
 * dead-letters it after the queue's MaxDeliveryCount. After holding the session for
 * {@code maxHold} it lets go and accepts it again, so the SDK's lock renewal (which has a limit) never
 * runs out under it. Closing releases the session: a message handed out but not settled is delivered
 * again, to whoever accepts the session next.
 */
final class SessionPump implements IntakeQueue.Subscription {

    /** What to do with a received message once {@code handle} has seen it. */
    record Settlement(Kind kind, DeadLetterOptions deadLetter) {
        enum Kind { COMPLETE, ABANDON, DEAD_LETTER }

        static final Settlement COMPLETE = new Settlement(Kind.COMPLETE, null);
        static final Settlement ABANDON = new Settlement(Kind.ABANDON, null);

        static Settlement deadLetter(String reason, String description) {
            return new Settlement(Kind.DEAD_LETTER,
                    new DeadLetterOptions().setDeadLetterReason(reason).setDeadLetterErrorDescription(description));
        }
    }

    static final Duration FIRST_REDELIVERY_PAUSE = Duration.ofMillis(50);
    static final Duration MAX_REDELIVERY_PAUSE = Duration.ofMillis(400);

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Where handlers run: daemon threads, made as needed and kept a minute when idle. */
    private static final ExecutorService HANDLERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "servicebus-session-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final ServiceBusSessionReceiverAsyncClient sessions;
    private final String queueName;
    private final String sessionId;
    private final Function<ServiceBusReceivedMessage, Settlement> handle;
    private final Duration retryDelay;
    private final Duration maxHold;
    private final Logger log;
    private volatile boolean closed;
    private Disposable running;

    SessionPump(ServiceBusSessionReceiverAsyncClient sessions, String queueName, String sessionId,
            Function<ServiceBusReceivedMessage, Settlement> handle, Duration retryDelay, Duration maxHold, Logger log) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.queueName = queueName;
        this.sessionId = Objects.requireNonNull(sessionId, "sessionId");
        this.handle = Objects.requireNonNull(handle, "handle");
        this.retryDelay = retryDelay;
        this.maxHold = maxHold;
        this.log = log;
    }

    /** Starts accepting the session in the background; returns at once. */
    synchronized SessionPump start() {
        if (running == null && !closed) {
            running = Flux.usingWhen(
                            accept(),
                            receiver -> receiver.receiveMessages()
                                    .take(maxHold)
                                    .concatMap(message -> handleAndSettle(receiver, message), 1),
                            this::release,
                            (receiver, error) -> release(receiver),
                            this::release)
                    .doOnError(this::sessionLost)
                    .retryWhen(Retry.fixedDelay(Long.MAX_VALUE, retryDelay).filter(e -> !closed))
                    // Held for maxHold (or the link ended quietly): take the session again.
                    .repeatWhen(done -> done.takeWhile(n -> !closed).concatMap(n -> Mono.delay(retryDelay)))
                    .subscribe(ignored -> { }, this::stopped);
        }
        return this;
    }

    /**
     * Asks for the session. Closing the pump never cancels an accept halfway: the SDK could still
     * lock the session after the cancel, and nobody would release it while the SDK renews its lock
     * (minutes). An accept that completes after the close is released at once instead.
     */
    private Mono<ServiceBusReceiverAsyncClient> accept() {
        return Mono.defer(() -> {
            CompletableFuture<ServiceBusReceiverAsyncClient> accepted = sessions.acceptSession(sessionId).toFuture();
            accepted.thenAccept(receiver -> {
                if (closed) {
                    release(receiver).subscribe();
                }
            });
            return Mono.fromFuture(accepted, true);
        });
    }

    private Mono<Void> handleAndSettle(ServiceBusReceiverAsyncClient receiver, ServiceBusReceivedMessage message) {
        // A future, not subscribeOn: closing the pump cancels it without interrupting a handler that runs.
        return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> closed ? null : settlementOf(message), HANDLERS))
                .flatMap(settlement -> switch (settlement.kind()) {
                    case COMPLETE -> receiver.complete(message);
                    case ABANDON -> Mono.delay(redeliveryPause(message)).then(Mono.defer(() -> receiver.abandon(message)));
                    case DEAD_LETTER -> receiver.deadLetter(message, settlement.deadLetter());
                })
                .onErrorResume(error -> {
                    // The lock is gone (the session was lost): the message comes again, to the session's next holder.
                    log.warn("event=servicebus_settle_failed queue={} session={} messageId={} error={}", queueName, sessionId,
                            message.getMessageId(), error.getClass().getName());
                    return Mono.empty();
                });
    }

    /**
     * The pause before a message whose handler failed is given back: 50 ms, doubling with each
     * delivery, at most {@link #MAX_REDELIVERY_PAUSE}. The session stays held meanwhile (its next
     * messages would meet the same failure), and a blip of a few milliseconds does not use up the
     * queue's MaxDeliveryCount at once.
     */
    static Duration redeliveryPause(ServiceBusReceivedMessage message) {
        long earlier = Math.max(0, Math.min(message.getDeliveryCount(), 8));
        return Duration.ofMillis(Math.min(FIRST_REDELIVERY_PAUSE.toMillis() << earlier, MAX_REDELIVERY_PAUSE.toMillis()));
    }

    private Settlement settlementOf(ServiceBusReceivedMessage message) {
        try {
            return handle.apply(message);
        } catch (RuntimeException e) {
            return Settlement.ABANDON;
        }
    }

    private Mono<Void> release(ServiceBusReceiverAsyncClient receiver) {
        return Mono.fromRunnable(() -> {
            try {
                receiver.close();
            } catch (RuntimeException e) {
                log.warn("event=servicebus_close_failed queue={} session={} error={}", queueName, sessionId,
                        e.getClass().getName());
            }
        });
    }

    private void sessionLost(Throwable error) {
        if (closed) {
            return;
        }
        if (error instanceof ServiceBusException e && e.getReason() == ServiceBusFailureReason.SESSION_CANNOT_BE_LOCKED) {
            // Expected while another receiver holds it (another instance's poll of the agent, the
            // region's other subscriber): try again shortly, quietly.
            log.debug("event=servicebus_session_busy queue={} session={} retryInMs={}", queueName, sessionId,
                    retryDelay.toMillis());
        } else {
            log.warn("event=servicebus_session_lost queue={} session={} retryInMs={} error={}", queueName, sessionId,
                    retryDelay.toMillis(), error.getClass().getName());
        }
    }

    private void stopped(Throwable error) {
        if (!closed) {
            log.error("event=servicebus_session_pump_stopped queue={} session={} error={}", queueName, sessionId,
                    error.getClass().getName());
        }
    }

    /** Stops receiving and releases the session; a message being handled is not settled here. */
    @Override
    public void close() {
        Disposable r;
        synchronized (this) {
            closed = true;
            r = running;
        }
        if (r != null) {
            r.dispose();
        }
    }

    boolean isClosed() {
        return closed;
    }
}
