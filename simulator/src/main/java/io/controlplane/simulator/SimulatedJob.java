package io.controlplane.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.simulator.AgentLog.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One leased job run by a {@link SimulatedAgent}: progress grows with time from where the job
 * resumed to 100 percent, with progress reports and cursor checkpoints on their intervals, then
 * completion (or failure when the failure draw says so). Commands from the heartbeat thread arrive
 * through {@link #command}; a lost lease ends the job at once, without another call.
 *
 * <p>A spec with {@code config.simulation.workItems: N} makes the job migrate work items 1..N as its
 * percent grows: item {@code i} is recorded as the mapping {@code WorkItem i → i + }{@value WorkItems#TARGET_ID_OFFSET}
 * (with each progress report and before each checkpoint), its checkpoint says how many items are
 * recorded ({@code { percent, workItems }}), and it writes a final checkpoint before completing. So
 * what a finished job must have stored is known exactly, which crash tests check.
 * {@code config.simulation.failAtPercent} (with {@code failRetryable}, default false) makes the job
 * fail there, whatever the agent's failure draw.
 *
 * <p>A job can be throttled. When it touches the organisation the agent's {@link AgentConfig.Throttle}
 * or its spec names ({@code config.simulation.throttleOrganisation}, with {@code throttleAfterMs},
 * {@code throttleRetryAfterSeconds}, {@code throttleRemaining}; each defaults to the agent's), it
 * "gets HTTP 429" that long into its working time, reports it once
 * ({@code POST /api/leases/{leaseId}/throttle}) and backs off until the answer's {@code until} (or
 * its own {@code Retry-After}, if later). A heartbeat answer's {@code backOff} for its lease makes
 * it back off likewise; the longest back-off wins. Backing off, the job does no work: its percent
 * stands still and it reports no progress and writes no checkpoint, while the agent's heartbeats
 * keep its lease. A stop command is still obeyed. Then it goes on where it stood.
 *
 * <p>Its writes go through {@link LeaseWrites}, its work items and checkpoints through
 * {@link WorkItems}, and {@link WorkingTime} keeps its working time apart from its back-offs.
 */
final class SimulatedJob implements Runnable {

    private final SimulatedAgent agent;
    private final Lease lease;
    private final AgentConfig config;
    private final AgentLog log;
    /** When the lease arrived: the job's working time counts from here. */
    private final Instant started;
    private final int startPercent;
    private final Duration duration;
    private final int failAtPercent;
    private final boolean failRetryable;
    private final LeaseWrites writes;
    private final WorkItems items;
    private final WorkingTime time;
    private final Duration tick;
    /** The simulated HTTP 429 this job gets; null when it touches no throttled organisation. */
    private final AgentConfig.Throttle throttle;
    private final AtomicReference<Command> pending = new AtomicReference<>();
    private volatile boolean shutdown;

    private boolean finalProgressSent;
    private boolean finalCheckpointWritten;
    private boolean throttleReported;

    SimulatedJob(SimulatedAgent agent, Lease lease, AgentConfig config, Random random, AgentLog log) {
        this.agent = agent;
        this.lease = lease;
        this.config = config;
        this.log = log;
        this.started = agent.clock().instant();
        this.startPercent = lease.resumed() ? resumePercent(lease) : 0;
        this.duration = duration(lease, config);
        int workItems = Math.max(0, lease.config("simulation", "workItems").asInt(0));
        this.writes = new LeaseWrites(agent, lease, log, config.errorBackoff());
        this.items = new WorkItems(agent, lease, log, writes, workItems,
                lease.resumed() ? resumeWorkItems(lease, workItems) : 0);
        this.time = new WorkingTime(started);
        JsonNode failFromSpec = lease.config("simulation", "failAtPercent");
        boolean drawnToFail = random.nextDouble() < config.failure().fraction();
        if (failFromSpec.isInt() && failFromSpec.asInt() >= 0 && failFromSpec.asInt() <= 100) {
            this.failAtPercent = failFromSpec.asInt();
            this.failRetryable = lease.config("simulation", "failRetryable").asBoolean(false);
        } else {
            this.failAtPercent = drawnToFail ? startPercent + random.nextInt(Math.max(1, 100 - startPercent)) : -1;
            this.failRetryable = config.failure().retryable();
        }
        Duration shortest = config.progressInterval();
        if (!config.checkpointInterval().isZero() && config.checkpointInterval().compareTo(shortest) < 0) {
            shortest = config.checkpointInterval();
        }
        this.tick = clamp(shortest.dividedBy(4), Duration.ofMillis(5), Duration.ofMillis(100));
        this.throttle = throttle(lease, config).orElse(null);
        log.leaseReceived(lease, startPercent);
    }

    Lease lease() {
        return lease;
    }

    /** A command from a heartbeat answer; the job acts on it at its next tick. */
    void command(Command command) {
        pending.set(command);
    }

    /** A heartbeat answer's back-off for this lease (heartbeat thread): no work before its {@code until}. */
    void backOff(Command.BackOff backOff) {
        if (backOff.until().isAfter(agent.clock().instant()) && time.backOffTo(backOff.until())) {
            log.event(EventType.BACKING_OFF, lease, AgentLog.fields("organisation", backOff.organisation(),
                    "until", backOff.until(), "retryAfterSeconds", backOff.retryAfterSeconds()));
        }
    }

    /** The agent is closing: checkpoint and release with reason {@code shutdown}. */
    void shutdown() {
        shutdown = true;
    }

    @Override
    public void run() {
        Instant lastProgress = started;
        Instant lastCheckpoint = started;
        ReleaseReason leaving = null;
        try {
            while (!agent.killed()) {
                if (agent.silent()) {
                    SimulatedAgent.pause(tick);
                    continue;
                }
                Instant now = agent.clock().instant();
                Instant until = time.backOffUntil();
                Duration worked = time.worked(now, until);
                int percent = percentAt(worked);
                Command command = pending.getAndSet(null);
                if (command != null) {
                    switch (command.type()) {
                        case PREEMPT -> leaving = leaving == null ? ReleaseReason.PREEMPTED : leaving;
                        case PAUSE -> leaving = leaving == null ? ReleaseReason.PAUSED : leaving;
                        case CANCEL -> {
                            log.event(EventType.CANCELLED, lease, Map.of("percent", percent));
                            return;
                        }
                        default -> { }
                    }
                }
                if (leaving == null && shutdown) {
                    leaving = ReleaseReason.SHUTDOWN;
                }
                if (leaving != null) {
                    if (giveBack(leaving, percent)) {
                        return;
                    }
                } else if (failAtPercent >= 0 && percent >= failAtPercent) {
                    if (writes.write("fail", () -> agent.client().fail(lease.leaseId(), lease.epoch(),
                            "simulated failure at " + failAtPercent + "%", failRetryable))) {
                        log.failed(lease, failAtPercent, failRetryable);
                        return;
                    }
                } else if (percent >= 100) {
                    if (items.any()) {
                        // every item recorded, then the checkpoint that says so, then done
                        finalCheckpointWritten = finalCheckpointWritten
                                || (items.record(100) && items.checkpoint(100));
                        if (!finalCheckpointWritten) {
                            SimulatedAgent.pause(tick);
                            continue;
                        }
                    }
                    finalProgressSent = finalProgressSent || writes.write("progress",
                            () -> agent.client().progress(lease.leaseId(), lease.epoch(), report(100)));
                    if (finalProgressSent
                            && writes.write("complete", () -> agent.client().complete(lease.leaseId(), lease.epoch()))) {
                        log.completed(lease);
                        return;
                    }
                } else if (now.isBefore(until)) {
                    // backing off: no work, so nothing to report; the agent's heartbeats keep the lease
                } else if (throttle != null && !throttleReported && worked.compareTo(throttle.after()) >= 0) {
                    reportThrottle(now);
                } else {
                    if (due(lastProgress, now, config.progressInterval())) {
                        items.record(percent);
                        if (writes.write("progress", () -> agent.client().progress(lease.leaseId(), lease.epoch(),
                                report(percent)))) {
                            log.event(EventType.PROGRESS, lease, Map.of("percent", percent));
                        }
                        lastProgress = now;
                    }
                    if (!config.checkpointInterval().isZero() && due(lastCheckpoint, now, config.checkpointInterval())) {
                        items.checkpoint(percent);
                        lastCheckpoint = now;
                    }
                }
                SimulatedAgent.pause(tick);
            }
        } catch (LeaseGone gone) {
            // dropped: the lease belongs to someone else now, or to nobody
        } finally {
            agent.jobEnded(this);
        }
    }

    /**
     * The organisation "answered HTTP 429": the job backs off for its {@code Retry-After} and reports
     * it, once; the control plane's {@code until}, when later, wins. A report that fails (other than
     * for a lost lease) is logged and not repeated: the job backs off all the same.
     */
    private void reportThrottle(Instant now) {
        throttleReported = true;
        time.backOffTo(now.plusSeconds(throttle.retryAfterSeconds()));
        AtomicReference<ThrottleOutcome> answer = new AtomicReference<>();
        if (writes.write("throttle", () -> answer.set(agent.client().throttle(lease.leaseId(), throttle.organisation(),
                throttle.retryAfterSeconds(), throttle.remaining()))) && answer.get().until() != null) {
            time.backOffTo(answer.get().until());
        }
        if (time.backOffUntil().isAfter(now)) {
            time.backingOffFrom(now); // the back-off starts with the 429, not at the next tick
        }
        Map<String, Object> fields = AgentLog.fields("organisation", throttle.organisation(),
                "retryAfterSeconds", throttle.retryAfterSeconds(), "remaining", throttle.remaining(),
                "until", time.backOffUntil());
        if (answer.get() != null) {
            fields.put("allowedJobs", answer.get().allowedJobs());
        }
        log.event(EventType.THROTTLED, lease, fields);
    }

    /** Final checkpoint, then release: the order the agent API asks for. False: try again at the next tick. */
    private boolean giveBack(ReleaseReason reason, int percent) {
        if (items.checkpoint(percent)
                && writes.write("release", () -> agent.client().release(lease.leaseId(), lease.epoch(), reason))) {
            log.released(lease, reason, percent);
            return true;
        }
        return false;
    }

    private static boolean due(Instant last, Instant now, Duration interval) {
        return !Duration.between(last, now).minus(interval).isNegative();
    }

    private int percentAt(Duration worked) {
        long elapsed = Math.max(0, worked.toMillis());
        long total = Math.max(1, duration.toMillis());
        return (int) Math.min(100, startPercent + elapsed * 100 / total);
    }

    private static ProgressReport report(int percent) {
        return new ProgressReport(percent, Map.of("itemsDone", (long) percent, "itemsTotal", 100L),
                "simulated migration " + percent + "%");
    }

    /** The percent of the last cursor checkpoint this simulator wrote (or any cursor with a percent). */
    static int resumePercent(Lease lease) {
        Optional<Checkpoint> own = lease.checkpoint(SimulatedAgent.CHECKPOINT_NAME).filter(SimulatedJob::hasPercent);
        Optional<Checkpoint> best = own.isPresent() ? own : lease.checkpoints().stream()
                .filter(SimulatedJob::hasPercent)
                .filter(c -> c.kind() == null || c.kind() == CheckpointKind.CURSOR)
                .max(Comparator.comparingLong(Checkpoint::epoch)
                        .thenComparing(c -> c.updatedAt() == null ? Instant.MIN : c.updatedAt()));
        return best.map(c -> (int) Math.max(0, Math.min(100, c.data().path("percent").asLong()))).orElse(0);
    }

    /** How many work items the job's own checkpoint says are recorded (0 without one), at most {@code workItems}. */
    static int resumeWorkItems(Lease lease, int workItems) {
        return lease.checkpoint(SimulatedAgent.CHECKPOINT_NAME)
                .map(c -> c.data() == null ? 0 : c.data().path("workItems").asInt(0))
                .map(n -> Math.max(0, Math.min(workItems, n)))
                .orElse(0);
    }

    private static boolean hasPercent(Checkpoint checkpoint) {
        return checkpoint.data() != null && checkpoint.data().path("percent").isNumber();
    }

    /** The job's run time: the spec's {@code config.simulation.durationMs} when present and allowed, else the agent's. */
    static Duration duration(Lease lease, AgentConfig config) {
        JsonNode fromSpec = lease.config("simulation", "durationMs");
        if (config.specDurationWins() && fromSpec.isNumber() && fromSpec.asLong() > 0) {
            return Duration.ofMillis(fromSpec.asLong());
        }
        return config.jobDuration();
    }

    /**
     * The job's simulated HTTP 429: the spec's {@code config.simulation.throttleOrganisation},
     * {@code throttleAfterMs}, {@code throttleRetryAfterSeconds} and {@code throttleRemaining}, each
     * where present and valid, else the agent's; empty when that names no organisation or one the
     * job's source and target do not touch.
     */
    static Optional<AgentConfig.Throttle> throttle(Lease lease, AgentConfig config) {
        AgentConfig.Throttle agents = config.throttle();
        JsonNode organisation = lease.config("simulation", "throttleOrganisation");
        JsonNode afterMs = lease.config("simulation", "throttleAfterMs");
        JsonNode retryAfter = lease.config("simulation", "throttleRetryAfterSeconds");
        JsonNode remaining = lease.config("simulation", "throttleRemaining");
        String key = organisation.isTextual() ? organisation.asText().trim().toLowerCase(Locale.ROOT) : null;
        AgentConfig.Throttle throttle = new AgentConfig.Throttle(
                Organisations.isKey(key) ? key : agents.organisation(),
                afterMs.isIntegralNumber() && afterMs.canConvertToLong() && afterMs.asLong() >= 0
                        ? Duration.ofMillis(afterMs.asLong()) : agents.after(),
                retryAfter.isIntegralNumber() && retryAfter.canConvertToLong() && retryAfter.asLong() >= 0
                        && retryAfter.asLong() <= AgentClient.MAX_RETRY_AFTER_SECONDS
                        ? retryAfter.asLong() : agents.retryAfterSeconds(),
                remaining.isIntegralNumber() && remaining.canConvertToInt() && remaining.asInt() >= 0
                        ? Integer.valueOf(remaining.asInt()) : agents.remaining());
        return throttle.organisation() != null && lease.organisations().contains(throttle.organisation())
                ? Optional.of(throttle) : Optional.empty();
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }
}
