package io.controlplane.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What one {@link SimulatedAgent} did, for tests, benchmarks and the command line to read while it
 * runs: every event in order, and typed views of the ones that matter (leases received with their
 * epoch, jobs completed, failed and released, writes the control plane refused with 409).
 *
 * <p>Thread-safe. Readers get snapshots; {@link #awaitUntil} waits for a condition without polling.
 */
public final class AgentLog {

    /** What happened. The wire name is what {@link Event#toLine()} prints. */
    public enum EventType {
        REGISTERED, LEASE, PROGRESS, CHECKPOINT, MAPPINGS, COMMAND, RELEASED, COMPLETED, FAILED, CANCELLED, LEASE_LOST,
        REFUSED, ERROR, SILENT, SPEAKING, HEARTBEAT_STOPPED, HEARTBEAT_RESUMED, KILLED, STOPPED,
        /** A job's organisation answered HTTP 429 (simulated); the job reported it and backs off until {@code until}. */
        THROTTLED,
        /** A heartbeat answer told a job to back off from an organisation until a later {@code until} than it had. */
        BACKING_OFF;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One event; {@code fields} keep their insertion order. */
    public record Event(Instant at, String agentId, EventType type, Map<String, String> fields) {

        public Event {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** {@code at=... agent=... event=... key=value ...}; values with spaces or quotes are quoted. */
        public String toLine() {
            StringBuilder line = new StringBuilder("at=").append(at).append(" agent=").append(agentId)
                    .append(" event=").append(type.wireName());
            fields.forEach((key, value) -> line.append(' ').append(key).append('=').append(quoted(value)));
            return line.toString();
        }

        private static String quoted(String value) {
            if (value == null) {
                return "null";
            }
            if (value.isEmpty() || value.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x20)) {
                StringBuilder out = new StringBuilder("\"");
                for (char c : value.toCharArray()) {
                    if (c == '"' || c == '\\') {
                        out.append('\\').append(c);
                    } else if (c < 0x20) {
                        out.append(' ');
                    } else {
                        out.append(c);
                    }
                }
                return out.append('"').toString();
            }
            return value;
        }
    }

    /** A lease the agent received, with the epoch it was granted under and where the job resumed from. */
    public record LeaseGrant(Instant at, String leaseId, String jobId, long epoch, boolean resumed, int startPercent) {
    }

    /** A lease the agent gave back after its final checkpoint. */
    public record Release(Instant at, String leaseId, String jobId, ReleaseReason reason, int percent) {
    }

    /** A lease write the control plane refused with 409 (lease lost, or another conflict). */
    public record RefusedWrite(Instant at, String leaseId, String jobId, long epoch, String operation, int status,
                               String problemType) {

        public boolean leaseLost() {
            return LeaseLostException.isLeaseLost(status, problemType);
        }
    }

    private final String agentId;
    private final Clock clock;
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final List<LeaseGrant> leases = new ArrayList<>();
    private final List<String> completed = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final List<Release> releases = new ArrayList<>();
    private final List<RefusedWrite> refused = new ArrayList<>();
    private final List<Command> commands = new ArrayList<>();
    private long heartbeats;

    AgentLog(String agentId, Clock clock) {
        this.agentId = agentId;
        this.clock = clock;
    }

    public String agentId() {
        return agentId;
    }

    /** Calls {@code listener} with every later event, on the thread that recorded it. */
    public void addListener(Consumer<Event> listener) {
        listeners.add(listener);
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized List<Event> events(EventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    public synchronized List<LeaseGrant> leases() {
        return List.copyOf(leases);
    }

    /** The job ids completed, in order. */
    public synchronized List<String> completedJobs() {
        return List.copyOf(completed);
    }

    /** The job ids reported failed, in order. */
    public synchronized List<String> failedJobs() {
        return List.copyOf(failed);
    }

    public synchronized List<Release> releases() {
        return List.copyOf(releases);
    }

    public synchronized List<RefusedWrite> refusedWrites() {
        return List.copyOf(refused);
    }

    /** The commands received, except the everyday {@code continue}. */
    public synchronized List<Command> commands() {
        return List.copyOf(commands);
    }

    /** How many heartbeats the control plane answered. */
    public synchronized long heartbeats() {
        return heartbeats;
    }

    /**
     * Waits until {@code condition} holds for this log or the timeout passes.
     *
     * @return whether the condition held
     */
    public boolean awaitUntil(Predicate<AgentLog> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!condition.test(this)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    void leaseReceived(Lease lease, int startPercent) {
        record(EventType.LEASE, fields("leaseId", lease.leaseId(), "jobId", lease.jobId(),
                "epoch", lease.epoch(), "resumed", lease.resumed(), "startPercent", startPercent,
                "expiresAt", lease.expiresAt()),
                at -> leases.add(new LeaseGrant(at, lease.leaseId(), lease.jobId(), lease.epoch(), lease.resumed(),
                        startPercent)));
    }

    void completed(Lease lease) {
        record(EventType.COMPLETED, leaseFields(lease), at -> completed.add(lease.jobId()));
    }

    void failed(Lease lease, int percent, boolean retryable) {
        Map<String, Object> fields = leaseFields(lease);
        fields.put("percent", percent);
        fields.put("retryable", retryable);
        record(EventType.FAILED, fields, at -> failed.add(lease.jobId()));
    }

    void released(Lease lease, ReleaseReason reason, int percent) {
        Map<String, Object> fields = leaseFields(lease);
        fields.put("reason", reason.wireName());
        fields.put("percent", percent);
        record(EventType.RELEASED, fields,
                at -> releases.add(new Release(at, lease.leaseId(), lease.jobId(), reason, percent)));
    }

    void refused(Lease lease, String operation, ProblemException problem) {
        Map<String, Object> fields = leaseFields(lease);
        fields.put("operation", operation);
        fields.put("status", problem.status());
        fields.put("problem", problem.shortType());
        record(EventType.REFUSED, fields, at -> refused.add(new RefusedWrite(at, lease.leaseId(), lease.jobId(),
                lease.epoch(), operation, problem.status(), problem.type())));
    }

    void command(Command command) {
        record(EventType.COMMAND, fields("type", command.wireType(), "leaseId", command.leaseId(),
                "deadline", command.deadline()), at -> commands.add(command));
    }

    void heartbeatAnswered() {
        synchronized (this) {
            heartbeats++;
        }
    }

    void event(EventType type, Map<String, Object> fields) {
        record(type, fields, at -> { });
    }

    void event(EventType type, Lease lease, Map<String, Object> more) {
        Map<String, Object> fields = leaseFields(lease);
        fields.putAll(more);
        record(type, fields, at -> { });
    }

    private void record(EventType type, Map<String, Object> fields, Consumer<Instant> typedView) {
        Map<String, String> text = new LinkedHashMap<>();
        fields.forEach((key, value) -> {
            if (value != null) {
                text.put(key, String.valueOf(value));
            }
        });
        Event event = new Event(now(), agentId, type, text);
        synchronized (this) {
            events.add(event);
            typedView.accept(event.at());
            notifyAll();
        }
        for (Consumer<Event> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // a broken printer must not stop the agent
            }
        }
    }

    private Instant now() {
        return clock.instant();
    }

    private static Map<String, Object> leaseFields(Lease lease) {
        return fields("leaseId", lease.leaseId(), "jobId", lease.jobId(), "epoch", lease.epoch());
    }

    static Map<String, Object> fields(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields come in key/value pairs");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
