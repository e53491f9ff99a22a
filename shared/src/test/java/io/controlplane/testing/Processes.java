package io.controlplane.testing;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping processes that tests started, by PID. */
public final class Processes {

    private Processes() {
    }

    /**
     * Stops {@code process} and its descendants: SIGKILL at once when {@code crash} (kill -9),
     * otherwise SIGTERM, then SIGKILL after {@code graceSeconds} (some servers ignore SIGTERM).
     */
    public static void stop(Process process, boolean crash, int graceSeconds) {
        List<ProcessHandle> children = process.descendants().toList();
        if (crash) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
