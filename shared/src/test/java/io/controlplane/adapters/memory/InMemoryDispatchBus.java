package io.controlplane.adapters.memory;

import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.IntakeQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The dispatch bus in memory, shared by every control plane of a test (the "fake bus"): a queue per
 * region; events wait until the region has a subscriber, a failed delivery is made again, and after
 * {@code maxDeliveries} the event is moved aside. Delivered on a daemon thread per subscription.
 */
public final class InMemoryDispatchBus implements DispatchBus {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final int maxDeliveries;
    private final Map<String, Deque<Waiting>> waiting = new HashMap<>();
    private final List<DispatchEvent> sent = new ArrayList<>();
    private final List<DispatchEvent> movedAside = new ArrayList<>();

    private record Waiting(DispatchEvent event, int deliveries) {
    }

    public InMemoryDispatchBus() {
        this(5);
    }

    public InMemoryDispatchBus(int maxDeliveries) {
        this.maxDeliveries = maxDeliveries;
    }

    @Override
    public synchronized void send(DispatchEvent event) {
        Objects.requireNonNull(event, "event");
        sent.add(event);
        waiting.computeIfAbsent(event.region(), r -> new ArrayDeque<>()).addLast(new Waiting(event, 0));
        notifyAll();
    }

    @Override
    public IntakeQueue.Subscription subscribe(String region, Consumer<DispatchEvent> handler) {
        Objects.requireNonNull(handler, "handler");
        Thread thread = new Thread(() -> deliver(region, handler), "memory-dispatch-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        return () -> {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void deliver(String region, Consumer<DispatchEvent> handler) {
        while (!Thread.currentThread().isInterrupted()) {
            Waiting next;
            synchronized (this) {
                Deque<Waiting> queue = waiting.computeIfAbsent(region, r -> new ArrayDeque<>());
                while (queue.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next = queue.pollFirst();
            }
            try {
                handler.accept(next.event());
            } catch (RuntimeException e) {
                synchronized (this) {
                    if (next.deliveries() + 1 >= maxDeliveries) {
                        movedAside.add(next.event());
                    } else {
                        waiting.get(region).addLast(new Waiting(next.event(), next.deliveries() + 1));
                        notifyAll();
                    }
                }
            }
        }
    }

    /** Every event sent so far, in order. */
    public synchronized List<DispatchEvent> sent() {
        return List.copyOf(sent);
    }

    public synchronized List<DispatchEvent> movedAside() {
        return List.copyOf(movedAside);
    }
}
