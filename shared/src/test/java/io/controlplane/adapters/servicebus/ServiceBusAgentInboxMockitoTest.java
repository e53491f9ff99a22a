package io.controlplane.adapters.servicebus;

import static io.controlplane.testing.Eventually.sleep;
import static io.controlplane.testing.MockLogs.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.mockito.Mockito.mock;

import com.azure.messaging.servicebus.ServiceBusMessage;
import io.controlplane.adapters.DispatchCodec;
import io.controlplane.api.Json;
import io.controlplane.ports.AgentInbox;
import io.controlplane.ports.AgentInboxContractTest;
import io.controlplane.ports.IntakeQueue;
import io.controlplane.ports.OfferNote;
import io.controlplane.testing.Eventually;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The Service Bus agent inboxes pass the port's contract with the SDK's clients mocked
 * ({@link FakeServiceBus}, sessions included; two inboxes on one broker are two instances), and
 * ask of the SDK what Bicep's {@code agent-inbox} queue expects: SessionId = agent id, MessageId
 * = the offer's, TimeToLive up to the lease's expiry.
 */
class ServiceBusAgentInboxMockitoTest extends AgentInboxContractTest {

    private static final Duration RETRY = Duration.ofMillis(50);
    private static final Instant NOW = Instant.parse("2026-12-02T01:00:00Z");
    private static final DispatchCodec CODEC = new DispatchCodec(Json.mapper());

    private FakeServiceBus broker;
    private final Logger log = mock(Logger.class);

    @Override
    protected AgentInbox[] newInboxes() {
        broker = new FakeServiceBus(10);
        ServiceBusQueues.Builder builder = ServiceBusQueues.builder().json(Json.mapper()).clients(broker).sessionRetryDelay(RETRY);
        return new AgentInbox[] {builder.buildAgentInbox(), builder.buildAgentInbox()};
    }

    private ServiceBusAgentInbox inbox(Clock clock) {
        return new ServiceBusAgentInbox(broker, "", CODEC, clock, RETRY, log);
    }

    private static OfferNote offer(String agentId, Instant expiresAt) {
        return new OfferNote("westeurope", agentId, "contoso", "job-1", "lease-secret-1", 4, expiresAt);
    }

    @Test
    void theAddressIsTheAgentsSession() {
        assertThat(inbox(Clock.systemUTC()).replyTo("agent-7")).isEqualTo("agent-7");
    }

    @Test
    void anOfferIsJsonInTheAgentsSessionAndLivesUntilTheLeaseExpires() throws Exception {
        OfferNote offer = offer("agent-7", NOW.plusSeconds(45).plusNanos(900));
        try (ServiceBusAgentInbox inbox = inbox(Clock.fixed(NOW, ZoneOffset.UTC))) {
            inbox.post("agent-7", offer);
        }

        ServiceBusMessage sent = broker.sent("agent-inbox").get(0);
        assertThat(sent.getSessionId()).isEqualTo("agent-7");
        assertThat(sent.getMessageId()).isEqualTo("offer:job-1:4");
        assertThat(sent.getContentType()).isEqualTo("application/json");
        assertThat(sent.getTimeToLive()).as("truncated to Service Bus's milliseconds").isEqualTo(Duration.ofSeconds(45));
        assertThat(CODEC.decodeOffer(sent.getBody().toBytes())).isEqualTo(offer);
    }

    @Test
    void anOfferWhoseLeaseHasExpiredIsNotPostedAndSaysSo() {
        try (ServiceBusAgentInbox inbox = inbox(Clock.fixed(NOW, ZoneOffset.UTC))) {
            inbox.post("agent-7", offer("agent-7", NOW));
            inbox.post("agent-7", offer("agent-7", NOW.plusNanos(999_999)));
        }

        assertThat(broker.sent("agent-inbox")).isEmpty();
        assertThat(lines(log, "info")).hasSize(2).allMatch(l -> l.equals(
                "event=offer_not_posted queue=agent-inbox session=agent-7 region=westeurope agentId=agent-7 tenant=contoso"
                        + " jobId=job-1 epoch=4 reason=lease_expired"));
    }

    @Test
    void aFailedPostIsLoggedWithoutTheLeaseAndNeverThrown() {
        broker.failSends(new IllegalStateException("namespace unreachable"));
        try (ServiceBusAgentInbox inbox = inbox(Clock.systemUTC())) {
            assertThatCode(() -> inbox.post("agent-7", offer("agent-7", Instant.now().plusSeconds(30))))
                    .doesNotThrowAnyException();
        }

        assertThat(lines(log, "warn")).singleElement().asString()
                .isEqualTo("event=offer_post_failed queue=agent-inbox session=agent-7 region=westeurope agentId=agent-7"
                        + " tenant=contoso jobId=job-1 epoch=4 error=java.lang.IllegalStateException");
    }

    @Test
    void aListenAcceptsTheSessionOnceAndReleasesItWhenClosed() {
        List<OfferNote> got = new CopyOnWriteArrayList<>();
        try (ServiceBusAgentInbox inbox = inbox(Clock.systemUTC())) {
            inbox.deliverTo(got::add);
            IntakeQueue.Subscription listening = inbox.listen("agent-7");
            await(() -> broker.sessionLocked("agent-inbox", "agent-7"));
            OfferNote first = offer("agent-7", Instant.now().plusSeconds(30));
            inbox.post("agent-7", first);
            await(() -> got.size() == 1);
            sleep(200);

            listening.close();

            assertThat(broker.sessionLocked("agent-inbox", "agent-7")).isFalse();
            assertThat(broker.accepts()).containsExactly("agent-inbox/agent-7");
            assertThat(got).containsExactly(first);
        }
    }

    @Test
    void aListenClosedWhileItsAcceptIsUnderWayLeavesTheSessionFree() {
        broker.acceptDelay(Duration.ofMillis(200));
        try (ServiceBusAgentInbox inbox = inbox(Clock.systemUTC())) {
            inbox.deliverTo(o -> { });
            inbox.listen("agent-7").close();
            await(() -> broker.accepts().size() == 1);
            sleep(300);

            assertThat(broker.sessionLocked("agent-inbox", "agent-7")).as("the late accept was released").isFalse();
        }
    }

    @Test
    void anOfferBetweenTwoPollsWaitsInTheSessionForTheNextOneOnAnyInstance() {
        List<OfferNote> gotHere = new CopyOnWriteArrayList<>();
        List<OfferNote> gotThere = new CopyOnWriteArrayList<>();
        try (ServiceBusAgentInbox here = inbox(Clock.systemUTC()); ServiceBusAgentInbox there = inbox(Clock.systemUTC())) {
            here.deliverTo(gotHere::add);
            there.deliverTo(gotThere::add);
            here.listen("agent-7").close();
            OfferNote offer = offer("agent-7", Instant.now().plusSeconds(30));
            here.post(here.replyTo("agent-7"), offer);
            await(() -> broker.waiting("agent-inbox", "agent-7") == 1);

            try (IntakeQueue.Subscription next = there.listen("agent-7")) {
                await(() -> gotThere.size() == 1);
            }
            assertThat(gotThere).containsExactly(offer);
            assertThat(gotHere).isEmpty();
        }
    }

    @Test
    void whileAnotherInstancesPollHoldsTheSessionAListenWaitsQuietlyAndTakesItOver() {
        List<OfferNote> gotHere = new CopyOnWriteArrayList<>();
        List<OfferNote> gotThere = new CopyOnWriteArrayList<>();
        try (ServiceBusAgentInbox here = inbox(Clock.systemUTC()); ServiceBusAgentInbox there = inbox(Clock.systemUTC())) {
            here.deliverTo(gotHere::add);
            there.deliverTo(gotThere::add);
            IntakeQueue.Subscription first = here.listen("agent-7");
            await(() -> broker.sessionLocked("agent-inbox", "agent-7"));
            try (IntakeQueue.Subscription second = there.listen("agent-7")) {
                await(() -> broker.accepts().size() >= 3);
                first.close();
                OfferNote offer = offer("agent-7", Instant.now().plusSeconds(30));
                here.post("agent-7", offer);
                await(() -> gotThere.size() == 1);
                // Handled, then settled: closing before the settlement would fail it (a warning of its own).
                await(() -> broker.completed() == 1);
                assertThat(gotHere).isEmpty();
            }
        }
        assertThat(lines(log, "warn")).as("a busy session is expected, not a warning").isEmpty();
    }

    @Test
    void aMalformedOfferIsDeadLetteredAtOnceAndAFailingHandlerGetsItAgain() {
        List<OfferNote> got = new CopyOnWriteArrayList<>();
        int[] calls = {0};
        try (ServiceBusAgentInbox inbox = inbox(Clock.systemUTC())) {
            inbox.deliverTo(o -> {
                if (calls[0]++ == 0) {
                    throw new IllegalStateException("first delivery fails");
                }
                got.add(o);
            });
            broker.enqueue("agent-inbox", new FakeServiceBus.Stored("not json".getBytes(StandardCharsets.UTF_8), "m-1", "agent-7",
                    "application/json"));
            OfferNote offer = offer("agent-7", Instant.now().plusSeconds(30));
            inbox.post("agent-7", offer);
            try (IntakeQueue.Subscription listening = inbox.listen("agent-7")) {
                await(() -> got.size() == 1);
            }
            assertThat(got).containsExactly(offer);
        }

        assertThat(broker.deadLettered()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo(ServiceBusAgentInbox.MALFORMED);
            assertThat(d.message().messageId).isEqualTo("m-1");
        });
        assertThat(lines(log, "warn")).hasSize(2).noneMatch(l -> l.contains("lease-secret"));
    }

    @Test
    void theQueuePrefixNamesTheQueueAndNoReceiverIsBuiltUntilTheFirstListen() {
        FakeServiceBus prefixed = new FakeServiceBus(3);
        AgentInbox inbox = ServiceBusQueues.builder().queuePrefix("dev-").json(Json.mapper()).clients(prefixed).buildAgentInbox();

        inbox.post("agent-7", offer("agent-7", Instant.now().plusSeconds(30)));

        assertThat(((ServiceBusAgentInbox) inbox).queueName()).isEqualTo("dev-agent-inbox");
        assertThat(prefixed.sent("dev-agent-inbox")).hasSize(1);
        assertThat(prefixed.sessionReceivers()).isEmpty();
        inbox.close();
    }

    private void await(BooleanSupplier condition) {
        Eventually.await(Duration.ofSeconds(10), Duration.ofMillis(10), "not within 10 s", condition);
    }
}
