package io.controlplane.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@link SimulatedAgent} is and how it behaves. Immutable; build with {@link #builder(String)}.
 *
 * @param agentId            key-safe id: letters, digits, {@code . _ -}, at most 128 characters
 * @param jobDuration        how long a job runs from 0 to 100 percent, unless its spec says otherwise
 * @param specDurationWins   when true, a spec's {@code config.simulation.durationMs} overrides {@code jobDuration}
 * @param progressInterval   how often a running job reports progress
 * @param heartbeatInterval  how often the agent heartbeats (and so learns its commands)
 * @param checkpointInterval how often a running job writes its cursor checkpoint; {@link Duration#ZERO} for never
 *                           (a final checkpoint is still written before a release)
 * @param leaseWaitSeconds   the long poll's {@code waitSeconds}, 0..30
 * @param failure            which share of jobs fail, and whether retryably
 * @param errorBackoff       the pause after a call failed for a reason other than the job (network, 5xx)
 * @param seed               seed for the failure draw, so a run can be repeated; null for a random one
 * @param throttle           which organisation answers HTTP 429 to the agent's jobs, and how
 */
public record AgentConfig(String agentId, String region, String pool, List<String> capabilities, int slots,
                          Duration jobDuration, boolean specDurationWins, Duration progressInterval,
                          Duration heartbeatInterval, Duration checkpointInterval, int leaseWaitSeconds,
                          FailureMode failure, Duration errorBackoff, Long seed, Throttle throttle) {

    private static final Pattern KEY_SAFE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** Fail {@code fraction} (0..1) of the jobs, at a random point of their run. */
    public record FailureMode(double fraction, boolean retryable) {

        public static final FailureMode NONE = new FailureMode(0, true);

        public FailureMode {
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException("failure fraction must be 0..1, was " + fraction);
            }
        }
    }

    /**
     * A simulated throttled organisation: {@code after} into a job touching {@code organisation}
     * (working time, a back-off not counted), the organisation "answers HTTP 429" with
     * {@code Retry-After: retryAfterSeconds} (and {@code X-RateLimit-Remaining: remaining} when not
     * null); the job reports it once and backs off. A job's spec may name its own
     * ({@code config.simulation.throttleOrganisation}, ...); these values are its defaults.
     *
     * @param organisation      an organisation key (see {@link Organisations}), lower-cased here; null for none
     * @param after             zero or more
     * @param retryAfterSeconds 0..86400
     * @param remaining         null or at least 0
     */
    public record Throttle(String organisation, Duration after, long retryAfterSeconds, Integer remaining) {

        /** No organisation throttles; a spec naming one throttles after a second, for 60 seconds. */
        public static final Throttle NONE = new Throttle(null, Duration.ofSeconds(1), 60, null);

        public Throttle {
            if (organisation != null) {
                organisation = organisation.trim().toLowerCase(Locale.ROOT);
                if (!Organisations.isKey(organisation)) {
                    throw new IllegalArgumentException("throttle organisation must be an organisation key like "
                            + "dev.azure.com:contoso or github.com:fabrikam, was '" + organisation + "'");
                }
            }
            Objects.requireNonNull(after, "throttle after");
            if (after.isNegative()) {
                throw new IllegalArgumentException("throttle after must be zero or more, was " + after.toMillis()
                        + " ms");
            }
            if (retryAfterSeconds < 0 || retryAfterSeconds > AgentClient.MAX_RETRY_AFTER_SECONDS) {
                throw new IllegalArgumentException("throttle retryAfterSeconds must be 0.."
                        + AgentClient.MAX_RETRY_AFTER_SECONDS + ", was " + retryAfterSeconds);
            }
            if (remaining != null && remaining < 0) {
                throw new IllegalArgumentException("throttle remaining must be at least 0, was " + remaining);
            }
        }
    }

    public AgentConfig {
        Objects.requireNonNull(agentId, "agentId");
        if (!KEY_SAFE.matcher(agentId).matches()) {
            throw new IllegalArgumentException("agentId must be 1..128 of [A-Za-z0-9._-], was '" + agentId + "'");
        }
        requireText(region, "region");
        requireText(pool, "pool");
        capabilities = List.copyOf(capabilities);
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, was " + slots);
        }
        requirePositive(jobDuration, "jobDuration");
        requirePositive(progressInterval, "progressInterval");
        requirePositive(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        if (checkpointInterval.isNegative()) {
            throw new IllegalArgumentException("checkpointInterval must be zero (never) or positive");
        }
        if (leaseWaitSeconds < 0 || leaseWaitSeconds > AgentClient.MAX_WAIT_SECONDS) {
            throw new IllegalArgumentException("leaseWaitSeconds must be 0.." + AgentClient.MAX_WAIT_SECONDS
                    + ", was " + leaseWaitSeconds);
        }
        Objects.requireNonNull(failure, "failure");
        requirePositive(errorBackoff, "errorBackoff");
        Objects.requireNonNull(throttle, "throttle");
    }

    public static Builder builder(String agentId) {
        return new Builder(agentId);
    }

    /** A builder starting from this configuration, e.g. to derive agent 2 from agent 1. */
    public Builder toBuilder() {
        return new Builder(agentId).region(region).pool(pool).capabilities(capabilities).slots(slots)
                .jobDuration(jobDuration).specDurationWins(specDurationWins).progressInterval(progressInterval)
                .heartbeatInterval(heartbeatInterval).checkpointInterval(checkpointInterval)
                .leaseWaitSeconds(leaseWaitSeconds).failure(failure).errorBackoff(errorBackoff).seed(seed)
                .throttle(throttle);
    }

    /** What the agent registers. */
    public Registration registration() {
        return new Registration(region, pool, capabilities, slots);
    }

    /** Defaults fit a local demo: 2 s jobs, progress every second, heartbeat every 5 s. */
    public static final class Builder {
        private String agentId;
        private String region = "westeurope";
        private String pool = "shared";
        private List<String> capabilities = new ArrayList<>();
        private int slots = 1;
        private Duration jobDuration = Duration.ofSeconds(2);
        private boolean specDurationWins = true;
        private Duration progressInterval = Duration.ofSeconds(1);
        private Duration heartbeatInterval = Duration.ofSeconds(5);
        private Duration checkpointInterval = Duration.ofSeconds(5);
        private int leaseWaitSeconds = 20;
        private FailureMode failure = FailureMode.NONE;
        private Duration errorBackoff = Duration.ofSeconds(1);
        private Long seed;
        private Throttle throttle = Throttle.NONE;

        private Builder(String agentId) {
            this.agentId = agentId;
        }

        public Builder agentId(String value) {
            this.agentId = value;
            return this;
        }

        public Builder region(String value) {
            this.region = value;
            return this;
        }

        public Builder pool(String value) {
            this.pool = value;
            return this;
        }

        public Builder capabilities(List<String> value) {
            this.capabilities = new ArrayList<>(value);
            return this;
        }

        public Builder slots(int value) {
            this.slots = value;
            return this;
        }

        public Builder jobDuration(Duration value) {
            this.jobDuration = value;
            return this;
        }

        public Builder specDurationWins(boolean value) {
            this.specDurationWins = value;
            return this;
        }

        public Builder progressInterval(Duration value) {
            this.progressInterval = value;
            return this;
        }

        public Builder heartbeatInterval(Duration value) {
            this.heartbeatInterval = value;
            return this;
        }

        public Builder checkpointInterval(Duration value) {
            this.checkpointInterval = value;
            return this;
        }

        public Builder leaseWaitSeconds(int value) {
            this.leaseWaitSeconds = value;
            return this;
        }

        public Builder failure(FailureMode value) {
            this.failure = value;
            return this;
        }

        public Builder failing(double fraction, boolean retryable) {
            return failure(new FailureMode(fraction, retryable));
        }

        public Builder errorBackoff(Duration value) {
            this.errorBackoff = value;
            return this;
        }

        public Builder seed(Long value) {
            this.seed = value;
            return this;
        }

        public Builder throttle(Throttle value) {
            this.throttle = value;
            return this;
        }

        /** The agent's jobs touching {@code organisation} get HTTP 429 {@code after} into their run; see {@link Throttle}. */
        public Builder throttling(String organisation, Duration after, long retryAfterSeconds, Integer remaining) {
            return throttle(new Throttle(organisation, after, retryAfterSeconds, remaining));
        }

        /** @throws IllegalArgumentException naming the first invalid setting */
        public AgentConfig build() {
            return new AgentConfig(agentId, region, pool, capabilities, slots, jobDuration, specDurationWins,
                    progressInterval, heartbeatInterval, checkpointInterval, leaseWaitSeconds, failure, errorBackoff,
                    seed, throttle);
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
