package io.controlplane.adapters.servicebus;

import io.controlplane.api.Json;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.AgentInboxContractTest;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The agent inbox contract against a real Service Bus namespace; runs only when
 * {@code SERVICEBUS_CONNECTION_STRING} is set. The namespace needs the queue Bicep creates:
 * {@code <prefix>agent-inbox}, sessions on, duplicate detection on ({@code SERVICEBUS_QUEUE_PREFIX}
 * optional, default none). The two inboxes have a connection each, as two instances do. Each test
 * uses fresh agent ids (sessions), so a shared namespace is fine; an offer nobody receives expires
 * with its lease (60 s).
 */
@EnabledIfEnvironmentVariable(named = "SERVICEBUS_CONNECTION_STRING", matches = ".+")
class ServiceBusAgentInboxLiveTest extends AgentInboxContractTest {

    private static final String CONNECTION = System.getenv("SERVICEBUS_CONNECTION_STRING");
    private static final String PREFIX = Objects.requireNonNullElse(System.getenv("SERVICEBUS_QUEUE_PREFIX"), "");

    @Override
    protected AgentInbox[] newInboxes() {
        return new AgentInbox[] {inbox(), inbox()};
    }

    private static AgentInbox inbox() {
        return ServiceBusQueues.builder().connectionString(CONNECTION).queuePrefix(PREFIX).json(Json.mapper()).buildAgentInbox();
    }

    @Override
    protected Duration patience() {
        return Duration.ofSeconds(60);
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofSeconds(5);
    }
}
