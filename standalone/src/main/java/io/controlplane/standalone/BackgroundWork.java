package io.controlplane.standalone;

import io.controlplane.ControlPlane;
import io.controlplane.ports.IntakeQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Functions host gets from triggers, the standalone host does itself: consume the intake
 * queues (a queue poller or the Service Bus processor) and run the reconcile pass on a timer.
 */
final class BackgroundWork implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWork.class);

    private final ScheduledExecutorService timer;
    private final IntakeQueue.Subscription intake;

    private BackgroundWork(ScheduledExecutorService timer, IntakeQueue.Subscription intake) {
        this.timer = timer;
        this.intake = intake;
    }

    static BackgroundWork start(ControlPlane controlPlane) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconcile");
            t.setDaemon(true);
            return t;
        });
        long period = controlPlane.app().dispatchSettings().reconcileInterval().toMillis();
        // Jitter the first run so several instances do not reconcile in lock step.
        timer.scheduleWithFixedDelay(() -> {
            try {
                controlPlane.reconcile();
            } catch (RuntimeException e) {
                LOG.warn("event=reconcile_failed error={}", e.toString(), e);
            }
        }, ThreadLocalRandom.current().nextLong(period), period, TimeUnit.MILLISECONDS);
        IntakeQueue.Subscription intake = controlPlane.intake().subscribe(controlPlane::onIntake);
        return new BackgroundWork(timer, intake);
    }

    @Override
    public void close() {
        intake.close();
        timer.shutdownNow();
    }
}
