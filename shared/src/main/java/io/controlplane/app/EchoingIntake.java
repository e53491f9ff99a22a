package io.controlplane.app;

import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.IntakeQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake queue of a running instance: what it publishes it also handles itself at once (wake
 * its local agents, schedule a preemption check), then the queue carries it to the other instances.
 */
final class EchoingIntake implements IntakeQueue {

    private static final Logger LOG = LoggerFactory.getLogger(EchoingIntake.class);

    private final IntakeQueue queue;
    private final Consumer<IntakeMessage> local;

    /**
     * The queue's round trips on threads of their own: a queue that is slow or retrying must not
     * hold the threads that run the dispatcher's runs and the claims' clean-up.
     */
    private final ThreadPoolExecutor sending = new ThreadPoolExecutor(2, 2, 30,
            TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
                Thread t = new Thread(r, "intake-publish");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());

    EchoingIntake(IntakeQueue queue, Consumer<IntakeMessage> local) {
        this.queue = queue;
        this.local = local;
    }

    @Override
    public void publish(IntakeMessage message) {
        // Here first (it only schedules work), then the queue's round trip for the others.
        try {
            local.accept(message);
        } finally {
            sending.execute(() -> {
                try {
                    queue.publish(message);
                } catch (RuntimeException e) {
                    // The ready entry is stored: the other instances' looks at the ready set still find the job.
                    LOG.warn("event=intake_publish_failed jobId={} tenant={} region={} error={}", message.jobId(),
                            message.tenantId(), message.region(), e.toString());
                }
            });
        }
    }

    /** What was published is sent (for up to 5 s) before the queue closes. */
    void drain() {
        sending.shutdown();
        try {
            sending.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Subscription subscribe(Consumer<IntakeMessage> handler) {
        return queue.subscribe(handler);
    }
}
