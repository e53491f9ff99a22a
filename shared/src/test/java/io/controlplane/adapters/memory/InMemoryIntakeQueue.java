package io.controlplane.adapters.memory;

import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The intake queues in memory, the one intake double of the tests: same contract as the Storage Queue
 * adapter (higher tiers first, redelivery after a failure, moved aside after {@code maxDeliveries}),
 * delivered on a daemon thread per subscription. With no subscriber it only records what was
 * published ({@link #published()}), which is what the api and dispatch fixtures use it for.
 */
public final class InMemoryIntakeQueue implements IntakeQueue {

    private static final List<Tier> HIGHEST_TIER_FIRST =
            Arrays.stream(Tier.values()).sorted(Comparator.comparingInt(Tier::rank).reversed()).toList();
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final int maxDeliveries;
    private final Map<Tier, Deque<Waiting>> waiting = new EnumMap<>(Tier.class);
    private final List<IntakeMessage> published = new ArrayList<>();
    private final List<IntakeMessage> movedAside = new ArrayList<>();

    private record Waiting(IntakeMessage message, int deliveries) {
    }

    public InMemoryIntakeQueue() {
        this(5);
    }

    public InMemoryIntakeQueue(int maxDeliveries) {
        if (maxDeliveries < 1) {
            throw new IllegalArgumentException("maxDeliveries must be at least 1");
        }
        this.maxDeliveries = maxDeliveries;
        for (Tier tier : Tier.values()) {
            waiting.put(tier, new ArrayDeque<>());
        }
    }

    @Override
    public synchronized void publish(IntakeMessage message) {
        Objects.requireNonNull(message, "message");
        published.add(message);
        waiting.get(message.tier()).addLast(new Waiting(message, 0));
        notifyAll();
    }

    @Override
    public Subscription subscribe(Consumer<IntakeMessage> handler) {
        Deliverer deliverer = new Deliverer(handler);
        deliverer.thread.start();
        return deliverer;
    }

    /** Every message ever published, in order (for assertions in use-case tests). */
    public synchronized List<IntakeMessage> published() {
        return List.copyOf(published);
    }

    /** Messages whose handler failed {@code maxDeliveries} times (the poison / dead-letter queue). */
    public synchronized List<IntakeMessage> movedAside() {
        return List.copyOf(movedAside);
    }

    /** Messages not yet handled successfully, highest tier first. */
    public synchronized List<IntakeMessage> waiting() {
        return HIGHEST_TIER_FIRST.stream().flatMap(t -> waiting.get(t).stream()).map(Waiting::message).toList();
    }

    /** The next message, highest tier first, or null once {@code deliverer} is closed. */
    private synchronized Waiting take(Deliverer deliverer) throws InterruptedException {
        while (!deliverer.closed) {
            for (Tier tier : HIGHEST_TIER_FIRST) {
                Waiting next = waiting.get(tier).pollFirst();
                if (next != null) {
                    return next;
                }
            }
            wait();
        }
        return null;
    }

    private synchronized void failed(Waiting delivery) {
        int deliveries = delivery.deliveries() + 1;
        if (deliveries >= maxDeliveries) {
            movedAside.add(delivery.message());
        } else {
            // Back at the head of its tier, as a Storage Queue message reappears where it was.
            waiting.get(delivery.message().tier()).addFirst(new Waiting(delivery.message(), deliveries));
            notifyAll();
        }
    }

    private synchronized void wake() {
        notifyAll();
    }

    private final class Deliverer implements Subscription {
        private final Consumer<IntakeMessage> handler;
        private final Thread thread;
        private volatile boolean closed;

        Deliverer(Consumer<IntakeMessage> handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            this.thread = new Thread(this::run, "in-memory-intake-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
        }

        private void run() {
            try {
                Waiting next;
                while ((next = take(this)) != null) {
                    try {
                        handler.accept(next.message());
                    } catch (RuntimeException e) {
                        failed(next);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            closed = true;
            wake();
            if (Thread.currentThread() != thread) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
