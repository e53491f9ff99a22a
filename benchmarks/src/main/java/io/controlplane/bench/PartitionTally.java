package io.controlplane.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Storage traffic per (table, partition key) per second of a clock (the scale model's simulated
 * one): entities touched (a point read or write 1, a query the entities it returned, a batch its
 * entities) and calls, and for each partition which use case made them (the outermost and innermost
 * {@code io.controlplane.app} frames of the call), so a hot second can be explained.
 */
final class PartitionTally {

    /** A partition of a table. */
    record Partition(String table, String key) implements Comparable<Partition> {
        @Override
        public String toString() {
            return table + "/" + key;
        }

        @Override
        public int compareTo(Partition o) {
            return toString().compareTo(o.toString());
        }
    }

    private final Clock clock;
    private final Instant start;
    private final int seconds;
    private final Map<Partition, AtomicLongArray> entities = new ConcurrentHashMap<>();
    private final AtomicLongArray calls;
    /** Per partition, per second, per "origin operation": entities (only for explaining hot seconds). */
    private final Map<Partition, Map<Integer, Map<String, long[]>>> origins = new ConcurrentHashMap<>();

    PartitionTally(Clock clock, Instant start, int seconds) {
        this.clock = clock;
        this.start = start;
        this.seconds = seconds;
        this.calls = new AtomicLongArray(seconds);
    }

    /** The second of the run {@code at} falls in (clamped to the run). */
    int second(Instant at) {
        long s = Math.floorDiv(Duration.between(start, at).toMillis(), 1000);
        return (int) Math.max(0, Math.min(seconds - 1, s));
    }

    /** One storage call on {@code table}/{@code key} that touched {@code n} entities. */
    void count(String table, String key, String operation, long n) {
        Partition p = new Partition(table, key == null ? "?" : key);
        int s = second(clock.instant());
        calls.incrementAndGet(s);
        entities.computeIfAbsent(p, k -> new AtomicLongArray(seconds)).addAndGet(s, n);
        String origin = origin() + " " + table + "." + operation;
        Map<String, long[]> bySecond = origins.computeIfAbsent(p, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(s, k -> new ConcurrentHashMap<>());
        synchronized (bySecond) {
            long[] acc = bySecond.computeIfAbsent(origin, k -> new long[2]);
            acc[0] += n;
            acc[1]++;
        }
    }

    private static final StackWalker WALKER = StackWalker.getInstance();

    /**
     * The use case methods of the calling stack, outermost first, as "SubmitJob.submit > Requeue.announce >
     * Dispatcher.dispatch > Claims.claim > AgentRecords.modify": consecutive frames of one class are
     * one step (named by the innermost), lambdas by their enclosing method.
     */
    private static String origin() {
        List<String[]> app = WALKER.walk(frames -> frames
                .filter(f -> f.getClassName().startsWith("io.controlplane.app."))
                .map(f -> new String[] {simple(f.getClassName()), method(f.getMethodName())})
                .toList());
        if (app.isEmpty()) {
            return "(model)";
        }
        List<String> chain = new ArrayList<>();
        String previousClass = null;
        for (String[] frame : app) { // innermost first
            if (!frame[0].equals(previousClass)) {
                chain.add(0, frame[0] + "." + frame[1]);
                previousClass = frame[0];
            }
        }
        return String.join(" > ", chain);
    }

    /** {@code io.controlplane.app.LeaseWork$Poll} → {@code LeaseWork.Poll}; lambdas' synthetic classes dropped. */
    private static String simple(String className) {
        String s = className.substring(className.lastIndexOf('.') + 1);
        int synthetic = s.indexOf("$$");
        return (synthetic < 0 ? s : s.substring(0, synthetic)).replace('$', '.');
    }

    /** {@code lambda$agentLeases$3} → {@code agentLeases}; a constructor (or a lambda in one) → {@code <init>}. */
    private static String method(String name) {
        String m = name;
        if (m.startsWith("lambda$")) {
            String rest = m.substring("lambda$".length());
            int end = rest.indexOf('$');
            m = end < 0 ? rest : rest.substring(0, end);
        }
        return m.equals("new") || m.equals("<init>") ? "<init>" : m;
    }

    // ---- reading ------------------------------------------------------------------------------

    /** One partition's traffic over a range of seconds. */
    record Load(Partition partition, long peak, int peakSecond, double mean) {
    }

    /** Every partition's peak and mean over seconds {@code [from, to)}, hottest (highest peak) first. */
    List<Load> loads(int from, int to) {
        List<Load> out = new ArrayList<>();
        entities.forEach((p, counts) -> {
            long peak = -1;
            int at = from;
            long sum = 0;
            for (int s = from; s < to; s++) {
                long v = counts.get(s);
                sum += v;
                if (v > peak) {
                    peak = v;
                    at = s;
                }
            }
            if (sum > 0) {
                out.add(new Load(p, peak, at, sum / (double) (to - from)));
            }
        });
        out.sort(Comparator.comparingLong(Load::peak).reversed().thenComparing(l -> l.partition().toString()));
        return out;
    }

    long calls(int from, int to) {
        long sum = 0;
        for (int s = from; s < to; s++) {
            sum += calls.get(s);
        }
        return sum;
    }

    long peakCalls(int from, int to) {
        long peak = 0;
        for (int s = from; s < to; s++) {
            peak = Math.max(peak, calls.get(s));
        }
        return peak;
    }

    /** What touched the partition in one second: "origin table.operation" → {entities, calls}, most entities first. */
    Map<String, long[]> explain(Partition p, int second) {
        Map<String, long[]> found = origins.getOrDefault(p, Map.of()).getOrDefault(second, Map.of());
        TreeMap<String, long[]> copy = new TreeMap<>();
        synchronized (found) {
            found.forEach((k, v) -> copy.put(k, v.clone()));
        }
        return copy;
    }

    /** What touched the partition over seconds {@code [from, to)}: "origin table.operation" → {entities, calls}. */
    Map<String, long[]> explain(Partition p, int from, int to) {
        TreeMap<String, long[]> sum = new TreeMap<>();
        for (int s = from; s < to; s++) {
            explain(p, s).forEach((k, v) -> {
                long[] acc = sum.computeIfAbsent(k, x -> new long[2]);
                acc[0] += v[0];
                acc[1] += v[1];
            });
        }
        return sum;
    }
}
