package io.controlplane.adapters.servicebus;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.adapters.IntakeMessageCodec;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.DispatchBus;
import io.controlplane.ports.IntakeQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Factory for the intake queues on Azure Service Bus: {@code <prefix>jobs-platinum}, {@code -premium},
 * {@code -standard}, for the agent command channel, {@code <prefix>agent-commands}, for the dispatch
 * bus, {@code <prefix>dispatch} (SessionId = region), and for agent inboxes, {@code <prefix>agent-inbox}
 * (SessionId = agent id); all
 * session-enabled with duplicate detection, created by Bicep (never by code: the control plane's
 * identity only sends and receives).
 */
public final class ServiceBusQueues {

    public static final int DEFAULT_MAX_CONCURRENT_SESSIONS = 8;
    /** How long a session receiver waits before it asks again for a session it could not have or lost. */
    public static final Duration DEFAULT_SESSION_RETRY_DELAY = Duration.ofSeconds(1);

    private ServiceBusQueues() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings for {@link #build()}, which checks them all and names every problem. */
    public static final class Builder {
        private String connectionString;
        private String fullyQualifiedNamespace;
        private String queuePrefix = "";
        private ObjectMapper json;
        private int maxConcurrentSessions = DEFAULT_MAX_CONCURRENT_SESSIONS;
        private int maxDeliveries;
        private Clock clock = Clock.systemUTC();
        private Duration sessionRetryDelay = DEFAULT_SESSION_RETRY_DELAY;
        private ServiceBusClients clients;

        private Builder() {
        }

        /** A namespace connection string ({@code Endpoint=sb://...}); takes precedence over the namespace. */
        public Builder connectionString(String value) { this.connectionString = value; return this; }

        /** {@code <name>.servicebus.windows.net}, used with DefaultAzureCredential (managed identity). */
        public Builder fullyQualifiedNamespace(String value) { this.fullyQualifiedNamespace = value; return this; }

        /** Lower-case letters, digits and single hyphens (may be empty); Bicep's queues have none. */
        public Builder queuePrefix(String value) { this.queuePrefix = value; return this; }

        public Builder json(ObjectMapper value) { this.json = value; return this; }

        /** Regions (sessions) handled at once per tier queue. */
        public Builder maxConcurrentSessions(int value) { this.maxConcurrentSessions = value; return this; }

        /**
         * Dead-letter a message here after this many failed deliveries; 0 (default) leaves it to the
         * queue's MaxDeliveryCount. Only useful below that count (tests, quicker poison).
         */
        public Builder maxDeliveries(int value) { this.maxDeliveries = value; return this; }

        /** The use cases' clock: an agent command's TimeToLive runs from now on it to the command's deadline. */
        public Builder clock(Clock value) { this.clock = value; return this; }

        /**
         * Dispatch subscriptions and inbox listens: the pause before asking again for a session that
         * another receiver holds, or that was lost.
         */
        public Builder sessionRetryDelay(Duration value) { this.sessionRetryDelay = value; return this; }

        /** Tests: SDK clients from somewhere else (mocks). */
        Builder clients(ServiceBusClients value) { this.clients = value; return this; }

        /** Builds one sender per tier queue (no network until the first send) and returns the port. */
        public IntakeQueue build() {
            validate();
            return new ServiceBusIntakeQueue(sdk(), queuePrefix, new IntakeMessageCodec(json), maxConcurrentSessions, maxDeliveries);
        }

        /**
         * Builds the sender of {@code <prefix>agent-commands} (no network until the first send) and
         * returns the port; the caller closes it on shutdown.
         */
        public AgentChannel buildAgentChannel() {
            validate();
            return new ServiceBusAgentChannel(sdk(), queuePrefix, json, clock);
        }

        /**
         * Builds the sender of {@code <prefix>dispatch} (no network until the first send; the session
         * receiver is built on the first subscribe) and returns the port; the caller closes it on
         * shutdown, after its subscriptions. Sends use the builder's clock (an {@code Asks} lives until
         * its {@code until}); {@link #maxDeliveries} applies to subscriptions.
         */
        public DispatchBus buildDispatchBus() {
            validate();
            return new ServiceBusDispatchBus(sdk(), queuePrefix, new DispatchCodec(json), clock, maxDeliveries,
                    sessionRetryDelay, null);
        }

        /**
         * Builds the sender of {@code <prefix>agent-inbox} (no network until the first post; the session
         * receiver is built on the first listen) and returns the port; the caller closes it on shutdown.
         * An offer lives until its lease expires on the builder's clock.
         */
        public AgentInbox buildAgentInbox() {
            validate();
            return new ServiceBusAgentInbox(sdk(), queuePrefix, new DispatchCodec(json), clock, sessionRetryDelay, null);
        }

        private void validate() {
            List<String> problems = new ArrayList<>();
            boolean hasConnectionString = connectionString != null && !connectionString.isBlank();
            boolean hasNamespace = fullyQualifiedNamespace != null && !fullyQualifiedNamespace.isBlank();
            if (clients == null && !hasConnectionString && !hasNamespace) {
                problems.add("Service Bus needs a connection string or a fully qualified namespace");
            }
            if (queuePrefix == null || queuePrefix.length() > 43 || !queuePrefix.matches("([a-z0-9]+(-[a-z0-9]+)*-?)?")) {
                problems.add("queue prefix must be lower-case letters, digits and single hyphens, not starting with a hyphen, at most 43");
            }
            if (json == null) {
                problems.add("an ObjectMapper is required");
            }
            if (maxConcurrentSessions < 1) {
                problems.add("maxConcurrentSessions must be at least 1");
            }
            if (maxDeliveries < 0) {
                problems.add("maxDeliveries must be 0 (the queue decides) or more");
            }
            if (clock == null) {
                problems.add("a Clock is required");
            }
            if (sessionRetryDelay == null || sessionRetryDelay.isNegative() || sessionRetryDelay.isZero()) {
                problems.add("sessionRetryDelay must be positive");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid Service Bus settings:\n - " + String.join("\n - ", problems));
            }
        }

        private ServiceBusClients sdk() {
            return clients != null ? clients : new SdkServiceBusClients(connectionString, fullyQualifiedNamespace);
        }
    }
}
