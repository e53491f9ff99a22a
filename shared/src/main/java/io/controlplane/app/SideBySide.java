package io.controlplane.app;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Executors for storage calls that may go beside one another: a thread while one is free (at most
 * {@code threads}, idle ones ending after 30 s), else the submitting thread runs the call itself, so
 * a caller that waits for what it submitted can never wait for a thread.
 */
final class SideBySide {

    private SideBySide() {
    }

    static ThreadPoolExecutor executor(String threadName, int threads) {
        return new ThreadPoolExecutor(0, threads, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    }
}
