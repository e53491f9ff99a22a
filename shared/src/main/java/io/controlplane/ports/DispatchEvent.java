package io.controlplane.ports;

import io.controlplane.domain.Tier;
import java.time.Instant;
import java.util.Objects;

/**
 * Something a region's dispatcher must hear of, sent from the instance where it happened to
 * wherever the region's dispatcher runs ({@link DispatchBus}). Each is a hint: the tables stay the
 * source of truth, so a lost or repeated event delays an assignment, never loses or doubles one.
 */
public sealed interface DispatchEvent {

    /** The region whose dispatcher the event is for (Service Bus: the SessionId). */
    String region();

    /** Names the event for duplicate detection: the same event sent twice has the same id. */
    String messageId();

    /**
     * An agent asks for work: its long poll waits on another instance until {@code until}. Offers
     * go to {@code replyTo} ({@link AgentInbox#replyTo}); {@code agentEtag} is the version of the
     * agent record that instance holds (null: none), so the dispatcher re-reads a copy that is older.
     */
    record Asks(String region, String agentId, String agentEtag, String replyTo, Instant until) implements DispatchEvent {
        public Asks {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(replyTo, "replyTo");
            Objects.requireNonNull(until, "until");
        }

        @Override
        public String messageId() {
            return "asks:" + agentId + ":" + until.toEpochMilli();
        }
    }

    /** A job became ready (submitted, requeued, resumed): what its intake message says. */
    record Ready(String region, Tier tier, String tenantId, String jobId, long epoch) implements DispatchEvent {
        public Ready {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(tier, "tier");
            Objects.requireNonNull(tenantId, "tenantId");
            Objects.requireNonNull(jobId, "jobId");
        }

        public static Ready of(IntakeMessage message) {
            return new Ready(message.region(), message.tier(), message.tenantId(), message.jobId(), message.epoch());
        }

        public IntakeMessage message() {
            return new IntakeMessage(region, tier, tenantId, jobId, epoch);
        }

        @Override
        public String messageId() {
            return "ready:" + jobId + ":" + epoch;
        }
    }

    /**
     * An agent record was written on another instance (a slot freed by complete, fail or release;
     * drained; held): {@code agentEtag} is the version written.
     */
    record AgentChanged(String region, String agentId, String agentEtag) implements DispatchEvent {
        public AgentChanged {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(agentId, "agentId");
        }

        @Override
        public String messageId() {
            return "agent:" + agentId + ":" + Integer.toHexString(String.valueOf(agentEtag).hashCode());
        }
    }

    /**
     * An organisation asked for a back-off ({@code until}), reported on another instance: the
     * region's dispatcher reads the organisations' throttles again.
     */
    record Throttled(String region, String organisation, Instant until) implements DispatchEvent {
        public Throttled {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(organisation, "organisation");
            Objects.requireNonNull(until, "until");
        }

        @Override
        public String messageId() {
            return "throttled:" + organisation + ":" + until.toEpochMilli();
        }
    }

    /** The timer: look again (back-offs that ended, work whose event was lost). */
    record Tick(String region, Instant at) implements DispatchEvent {
        public Tick {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(at, "at");
        }

        @Override
        public String messageId() {
            return "tick:" + region + ":" + at.toEpochMilli();
        }
    }
}
