package io.controlplane.adapters.servicebus;

import com.azure.core.util.BinaryData;
import com.azure.messaging.servicebus.ServiceBusMessage;
import com.azure.messaging.servicebus.ServiceBusSenderAsyncClient;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.domain.LeaseIds;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentCommand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes agent commands to the session-enabled queue {@code <prefix>agent-commands} (created by
 * Bicep, duplicate detection on): SessionId = agent id, so an agent receives only its own; MessageId
 * from the lease and the command type, so a repeated command is dropped by duplicate detection;
 * TimeToLive up to the command's deadline, so a stale command expires unread.
 *
 * <p>Best effort: the agent's next heartbeat answer carries the same command, so a push that fails
 * is logged and dropped. The send is asynchronous: the SDK's retries (minutes, in an outage) never
 * hold up the use case that asked for the push.
 */
final class ServiceBusAgentChannel implements AgentChannel {

    static final String QUEUE = "agent-commands";
    static final String CONTENT_TYPE = "application/json";
    /** A command with no deadline (cancel): by then the agent has heard it in a heartbeat answer. */
    static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(ServiceBusAgentChannel.class);

    private final String queueName;
    private final ObjectMapper json;
    private final Clock clock;
    private final Logger log;
    private final ServiceBusSenderAsyncClient sender;

    ServiceBusAgentChannel(ServiceBusClients clients, String prefix, ObjectMapper json, Clock clock) {
        this(clients, prefix, json, clock, LOG);
    }

    /** Tests: a logger they can look at. */
    ServiceBusAgentChannel(ServiceBusClients clients, String prefix, ObjectMapper json, Clock clock, Logger log) {
        this.queueName = prefix + QUEUE;
        this.json = json;
        this.clock = clock;
        this.log = log;
        this.sender = clients.asyncSender(queueName);
    }

    String queueName() {
        return queueName;
    }

    @Override
    public void send(String agentId, AgentCommand command) {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(command, "command");
        Duration timeToLive = timeToLive(command);
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            log.info("event=agent_command_not_pushed queue={} agentId={} jobId={} tenant={} type={} reason=deadline_passed",
                    queueName, agentId, command.jobId(), tenant(command), command.type());
            return;
        }
        try {
            ServiceBusMessage message = new ServiceBusMessage(BinaryData.fromBytes(json.writeValueAsBytes(command)))
                    .setSessionId(agentId)
                    .setMessageId(messageId(command))
                    .setContentType(CONTENT_TYPE)
                    .setTimeToLive(timeToLive);
            sender.sendMessage(message).subscribe(sent -> { }, error -> pushFailed(agentId, command, error));
        } catch (JsonProcessingException | RuntimeException e) {
            pushFailed(agentId, command, e);
        }
    }

    /**
     * {@code <lease digest>:<type>}, the same for the same command however often it is sent. The
     * lease id is hashed because it outgrows Service Bus's 128-character MessageId (an Entra tenant
     * id alone makes it about 124 characters).
     */
    static String messageId(AgentCommand command) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(command.leaseId().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest) + ":" + command.type();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private Duration timeToLive(AgentCommand command) {
        if (command.deadline() == null) {
            return DEFAULT_TIME_TO_LIVE;
        }
        // Service Bus keeps TimeToLive in milliseconds.
        return Duration.between(clock.instant(), command.deadline()).truncatedTo(ChronoUnit.MILLIS);
    }

    private void pushFailed(String agentId, AgentCommand command, Throwable error) {
        // No body, reason or lease id (it is the agent's handle on the job); the error's class only.
        log.warn("event=agent_command_push_failed queue={} agentId={} jobId={} tenant={} type={} error={}",
                queueName, agentId, command.jobId(), tenant(command), command.type(), error.getClass().getName());
    }

    private static String tenant(AgentCommand command) {
        return LeaseIds.parse(command.leaseId()).map(LeaseIds.Target::tenantId).orElse(null);
    }

    /** Closes the sender; a push still in flight is dropped (the heartbeat carries it). */
    @Override
    public void close() {
        try {
            sender.close();
        } catch (RuntimeException e) {
            log.warn("event=servicebus_close_failed queue={} error={}", queueName, e.getClass().getName());
        }
    }
}
