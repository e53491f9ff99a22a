package io.controlplane.adapters.tables;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Storage calls of one mapping request run side by side (I/O bound: point reads, transactions).
 * One pool for every store of the JVM, which also bounds the load one instance puts on a
 * partition; idle threads end, so there is nothing to close.
 */
final class ParallelCalls {

    private static final ExecutorService POOL = pool(16);

    private ParallelCalls() {
    }

    private static ExecutorService pool(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "mapping-calls-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * {@code call} of every input, results in input order. Every call runs to its end even when
     * one fails (a write cut short by cancelling could commit unseen, and then not be undone); the
     * first failure, in input order, is thrown after all have ended.
     */
    static <T, R> List<R> map(List<T> inputs, Function<T, R> call) {
        if (inputs.size() == 1) {
            return Collections.singletonList(call.apply(inputs.get(0)));
        }
        List<Future<R>> calls = new ArrayList<>(inputs.size());
        for (T input : inputs) {
            calls.add(POOL.submit(() -> call.apply(input)));
        }
        List<R> results = new ArrayList<>(inputs.size());
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<R> pending : calls) {
            while (true) {
                try {
                    results.add(pending.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // wait on: the calls are bounded by the SDK's timeouts
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
                    }
                    results.add(null);
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }
}
