package io.controlplane.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What an organisation told the agents working against it (HTTP 429, {@code Retry-After},
 * {@code X-RateLimit-Remaining}), and the concurrency the dispatcher allows it because of that: a
 * pure value, its budget a function of time, so nothing needs writing while it recovers.
 *
 * <p>Like TCP's congestion control: a throttle report halves the jobs allowed to run against the
 * organisation (multiplicative decrease, at most once per {@code increaseEvery}: several agents
 * reporting the same throttling are one signal), and no new job touching it starts until
 * {@code until} (the longest {@code Retry-After} heard). After that one more job is allowed every
 * {@code increaseEvery} (additive increase) until the concurrency it was throttled at
 * ({@code recoverAt}) is passed: then it is over and only the operator's limit, if any, applies.
 * Jobs already running are never stopped by it; their agents are told to back off until
 * {@code until}.
 *
 * @param key the organisation ({@link Organisations})
 * @param until no new job touching it starts before this
 * @param ceiling the jobs allowed to run against it at {@code until}
 * @param recoverAt the concurrency at the first report of this episode: once more is allowed, the throttle is over
 * @param increaseEvery one more job allowed per this much time after {@code until}
 * @param decreasedAt when the allowance was last halved
 * @param reportedAt the latest report
 * @param remaining the requests the organisation said are left ({@code X-RateLimit-Remaining}), if it said
 */
public record OrganisationThrottle(String key, Instant until, int ceiling, int recoverAt, Duration increaseEvery,
                                   Instant decreasedAt, Instant reportedAt, Integer remaining) {

    /** The longest back-off a report may ask (a day). */
    public static final long MAX_RETRY_AFTER_SECONDS = 86_400;

    public OrganisationThrottle {
        if (!Organisations.isKey(key)) {
            throw new IllegalArgumentException("not an organisation key: " + key);
        }
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(increaseEvery, "increaseEvery");
        Objects.requireNonNull(decreasedAt, "decreasedAt");
        Objects.requireNonNull(reportedAt, "reportedAt");
        if (ceiling < 1 || recoverAt < ceiling) {
            throw new IllegalArgumentException("need 1 <= ceiling <= recoverAt, was " + ceiling + ", " + recoverAt);
        }
        if (increaseEvery.isNegative() || increaseEvery.isZero()) {
            throw new IllegalArgumentException("increaseEvery must be positive");
        }
        if (remaining != null && remaining < 0) {
            throw new IllegalArgumentException("remaining must not be negative");
        }
    }

    /**
     * The state after a report.
     *
     * @param previous the organisation's throttle as stored, or null
     * @param retryAfter how long the organisation asked to wait (zero: it did not ask, it said it is near its limit)
     * @param remaining the requests it said are left, or null
     * @param running the jobs running against it now
     */
    public static OrganisationThrottle reported(OrganisationThrottle previous, String key, Instant now, Duration retryAfter,
                                                Integer remaining, int running, Duration increaseEvery) {
        if (retryAfter.isNegative() || retryAfter.toSeconds() > MAX_RETRY_AFTER_SECONDS) {
            throw new IllegalArgumentException("retryAfter must be 0 to " + MAX_RETRY_AFTER_SECONDS + " s");
        }
        boolean ongoing = previous != null && !previous.overAt(now);
        Instant until = now.plus(retryAfter);
        if (ongoing && previous.until.isAfter(until)) {
            until = previous.until;
        }
        if (ongoing && previous.decreasedAt.plus(previous.increaseEvery).isAfter(now)) {
            // The same throttling heard again (another agent, another request): one decrease per interval.
            return new OrganisationThrottle(key, until, previous.ceiling, previous.recoverAt, previous.increaseEvery,
                    previous.decreasedAt, now, remaining);
        }
        int current = Math.max(1, ongoing ? Math.min(running, previous.allowedOrCeiling(now)) : running);
        int recoverAt = ongoing ? previous.recoverAt : Math.max(1, running);
        int ceiling = Math.max(1, current / 2);
        return new OrganisationThrottle(key, until, ceiling, Math.max(ceiling, recoverAt), increaseEvery, now, now, remaining);
    }

    /** Whether new jobs touching it must wait (it asked for a back-off that has not ended). */
    public boolean backingOff(Instant now) {
        return now.isBefore(until);
    }

    /** The jobs allowed to run against it now (0 while backing off); empty once it is over. */
    public OptionalInt allowedAt(Instant now) {
        if (backingOff(now)) {
            return OptionalInt.of(0);
        }
        long steps = Duration.between(until, now).toMillis() / increaseEvery.toMillis();
        long allowed = ceiling + steps;
        return allowed > recoverAt ? OptionalInt.empty() : OptionalInt.of((int) allowed);
    }

    /** Whether it no longer limits anything (recovered past the concurrency it was throttled at). */
    public boolean overAt(Instant now) {
        return allowedAt(now).isEmpty();
    }

    /** The allowance now, the ceiling while backing off (what a new halving starts from). */
    private int allowedOrCeiling(Instant now) {
        return backingOff(now) ? ceiling : allowedAt(now).orElse(recoverAt);
    }
}
