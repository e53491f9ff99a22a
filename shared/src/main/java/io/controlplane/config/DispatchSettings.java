package io.controlplane.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Timings of leases, heartbeats, retries and dispatch, validated at {@link #from(Map)} (every
 * problem at once). Setting names are seconds (or milliseconds where they end in _MS).
 */
public record DispatchSettings(
        Duration leaseDuration,
        Duration heartbeatInterval,
        Duration agentOfflineAfter,
        Duration progressMinInterval,
        Duration retryBackoffBase,
        Duration retryBackoffMax,
        Duration agingStep,
        Duration dedicatedPoolPreference,
        Duration staleEntryGrace,
        Duration pollInterval,
        Duration reconcileInterval,
        int headsPerTier,
        Duration preemptAfter,
        Duration stopGrace,
        int preemptionLimit,
        Leadership leadership,
        boolean fairShare,
        Duration throttleIncreaseEvery) {

    /**
     * Where a region's dispatcher runs ({@code DISPATCH_LEADERSHIP}): {@code lease}, the instance
     * holding the region's blob lease (the standalone host, any number of instances: the default);
     * {@code events}, wherever the Service Bus {@code dispatch} session's events are handled (the
     * Functions app: its session-triggered function); {@code solo}, this instance, always (one
     * instance only: tests and single-process benchmarks).
     */
    public enum Leadership {
        LEASE, EVENTS, SOLO;

        public String settingValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String LEASE_SECONDS = "LEASE_SECONDS";
    public static final String HEARTBEAT_SECONDS = "HEARTBEAT_SECONDS";
    public static final String AGENT_OFFLINE_SECONDS = "AGENT_OFFLINE_SECONDS";
    public static final String PROGRESS_MIN_INTERVAL_MS = "PROGRESS_MIN_INTERVAL_MS";
    public static final String RETRY_BACKOFF_BASE_SECONDS = "RETRY_BACKOFF_BASE_SECONDS";
    public static final String RETRY_BACKOFF_MAX_SECONDS = "RETRY_BACKOFF_MAX_SECONDS";
    public static final String AGING_STEP_SECONDS = "AGING_STEP_SECONDS";
    public static final String DEDICATED_POOL_PREFERENCE_SECONDS = "DEDICATED_POOL_PREFERENCE_SECONDS";
    public static final String STALE_ENTRY_GRACE_SECONDS = "STALE_ENTRY_GRACE_SECONDS";
    public static final String DISPATCH_POLL_MS = "DISPATCH_POLL_MS";
    public static final String RECONCILE_SECONDS = "RECONCILE_SECONDS";
    public static final String DISPATCH_HEADS_PER_TIER = "DISPATCH_HEADS_PER_TIER";
    public static final String PREEMPT_AFTER_SECONDS = "PREEMPT_AFTER_SECONDS";
    public static final String STOP_GRACE_SECONDS = "STOP_GRACE_SECONDS";
    public static final String PREEMPTION_LIMIT = "PREEMPTION_LIMIT";
    public static final String DISPATCH_LEADERSHIP = "DISPATCH_LEADERSHIP";
    /** Fair share between the tenants of one tier (true, the default); false: oldest first within a tier. */
    public static final String FAIR_SHARE = "FAIR_SHARE";
    /** After an organisation's back-off, one more job allowed against it per this many seconds (additive increase). */
    public static final String THROTTLE_INCREASE_SECONDS = "THROTTLE_INCREASE_SECONDS";

    public static DispatchSettings defaults() {
        return from(Map.of());
    }

    public static DispatchSettings from(Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        DispatchSettings s = new DispatchSettings(
                seconds(values, LEASE_SECONDS, 60, 5, 3600, problems),
                seconds(values, HEARTBEAT_SECONDS, 15, 1, 600, problems),
                seconds(values, AGENT_OFFLINE_SECONDS, 60, 2, 3600, problems),
                millis(values, PROGRESS_MIN_INTERVAL_MS, 1000, 0, 60_000, problems),
                seconds(values, RETRY_BACKOFF_BASE_SECONDS, 10, 0, 3600, problems),
                seconds(values, RETRY_BACKOFF_MAX_SECONDS, 600, 0, 86_400, problems),
                seconds(values, AGING_STEP_SECONDS, 1800, 1, 86_400 * 7, problems),
                seconds(values, DEDICATED_POOL_PREFERENCE_SECONDS, 10, 0, 3600, problems),
                seconds(values, STALE_ENTRY_GRACE_SECONDS, 60, 1, 3600, problems),
                millis(values, DISPATCH_POLL_MS, 5000, 10, 60_000, problems),
                seconds(values, RECONCILE_SECONDS, 10, 1, 3600, problems),
                (int) number(values, DISPATCH_HEADS_PER_TIER, 25, 1, 1000, problems),
                seconds(values, PREEMPT_AFTER_SECONDS, 5, 0, 3600, problems),
                seconds(values, STOP_GRACE_SECONDS, 120, 1, 86_400, problems),
                (int) number(values, PREEMPTION_LIMIT, 3, 0, 1000, problems),
                SettingValues.choice(values, DISPATCH_LEADERSHIP, Leadership.LEASE, Leadership::settingValue, problems),
                SettingValues.flag(values, FAIR_SHARE, true, problems),
                seconds(values, THROTTLE_INCREASE_SECONDS, 30, 1, 3600, problems));
        if (problems.isEmpty() && s.heartbeatInterval.compareTo(s.leaseDuration) >= 0) {
            problems.add(HEARTBEAT_SECONDS + " must be shorter than " + LEASE_SECONDS + " (heartbeats extend leases)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid dispatch settings:\n - " + String.join("\n - ", problems));
        }
        return s;
    }

    /**
     * How old an agent's stored heartbeat time may get before a heartbeat writes it again: about two
     * heartbeat intervals, so an idle agent's record is written every other heartbeat, and always well
     * inside {@link #agentOfflineAfter} (at most that less one interval).
     */
    public Duration heartbeatWriteAfter() {
        Duration twoBeats = heartbeatInterval.multipliedBy(2).minus(heartbeatInterval.dividedBy(3));
        Duration latest = agentOfflineAfter.minus(heartbeatInterval);
        return twoBeats.compareTo(latest) < 0 ? twoBeats : latest;
    }

    /**
     * How long an instance may answer an agent's long polls and heartbeats from its own copy of the
     * agent's record (every write is still conditional on the copy's ETag): a little longer than
     * {@link #heartbeatWriteAfter}, so the heartbeat that writes refreshes the copy before it ages out.
     */
    public Duration agentRecordReuse() {
        return heartbeatWriteAfter().plus(heartbeatInterval.dividedBy(3)).plus(heartbeatInterval.dividedBy(3));
    }

    /**
     * A heartbeat extends a lease (a write of its job row) only once less than this is left of it:
     * the lease's length less two heartbeat intervals, so a lease is written every other beat and
     * always has two beats to spare (none when the lease is shorter than three beats: every beat
     * extends).
     */
    public Duration leaseExtensionDueWithin() {
        Duration within = leaseDuration.minus(heartbeatInterval.multipliedBy(2));
        return within.compareTo(heartbeatInterval) < 0 ? leaseDuration : within;
    }

    /** This, with the dispatcher run where {@code leadership} says. */
    public DispatchSettings withLeadership(Leadership leadership) {
        return new DispatchSettings(leaseDuration, heartbeatInterval, agentOfflineAfter, progressMinInterval, retryBackoffBase,
                retryBackoffMax, agingStep, dedicatedPoolPreference, staleEntryGrace, pollInterval, reconcileInterval, headsPerTier,
                preemptAfter, stopGrace, preemptionLimit, Objects.requireNonNull(leadership), fairShare,
                throttleIncreaseEvery);
    }

    /** Back-off before retry number {@code failures} (1-based): base × 2^(failures−1), capped. */
    public Duration backoff(int failures) {
        long factor = 1L << Math.min(20, Math.max(0, failures - 1));
        Duration d = retryBackoffBase.multipliedBy(factor);
        return d.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : d;
    }

    private static Duration seconds(Map<String, String> v, String name, long dflt, long min, long max, List<String> problems) {
        return Duration.ofSeconds(number(v, name, dflt, min, max, problems));
    }

    private static Duration millis(Map<String, String> v, String name, long dflt, long min, long max, List<String> problems) {
        return Duration.ofMillis(number(v, name, dflt, min, max, problems));
    }

    private static long number(Map<String, String> v, String name, long dflt, long min, long max, List<String> problems) {
        return SettingValues.number(v, name, dflt, min, max, problems);
    }
}
