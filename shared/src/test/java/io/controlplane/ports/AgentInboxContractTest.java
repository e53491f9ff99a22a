package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.testing.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link AgentInbox} adapter passes: Storage Queues on Azurite, Service Bus with
 * mocked SDK clients (and live, when a namespace is configured), and the in-memory inboxes. Two
 * inboxes stand for two instances of one deployment.
 */
public abstract class AgentInboxContractTest {

    private AgentInbox here;
    private AgentInbox there;
    private final List<OfferNote> gotHere = new CopyOnWriteArrayList<>();
    private final List<OfferNote> gotThere = new CopyOnWriteArrayList<>();

    /** Two inboxes of one deployment (two instances), isolated from other tests. */
    protected abstract AgentInbox[] newInboxes();

    protected Duration patience() {
        return Duration.ofSeconds(15);
    }

    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }

    protected void dispose(AgentInbox inbox) {
    }

    @BeforeEach
    void create() {
        AgentInbox[] two = newInboxes();
        here = two[0];
        there = two[1];
        here.deliverTo(gotHere::add);
        there.deliverTo(gotThere::add);
    }

    @AfterEach
    void close() {
        for (AgentInbox inbox : new AgentInbox[] {here, there}) {
            inbox.close();
            dispose(inbox);
        }
    }

    private static String agent() {
        return "agent-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static OfferNote offer(String agentId, long epoch) {
        return new OfferNote("westeurope", agentId, "tenant-1", "job-" + epoch, "lease-" + agentId + "-" + epoch, epoch,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(60));
    }

    @Test
    void anOfferReachesTheInstanceWhoseAddressTheAgentGaveWithTheSameFields() {
        String agentId = agent();
        try (IntakeQueue.Subscription listening = there.listen(agentId)) {
            OfferNote offer = offer(agentId, 1);

            here.post(there.replyTo(agentId), offer);

            await(() -> !gotThere.isEmpty());
            quiet();
            assertThat(gotThere).containsExactly(offer);
            assertThat(gotHere).isEmpty();
        }
    }

    @Test
    void offersToTwoAgentsReachEachOneItsOwnInstance() {
        String a = agent();
        String b = agent();
        try (IntakeQueue.Subscription la = here.listen(a); IntakeQueue.Subscription lb = there.listen(b)) {
            OfferNote toA = offer(a, 1);
            OfferNote toB = offer(b, 2);

            there.post(here.replyTo(a), toA);
            here.post(there.replyTo(b), toB);

            await(() -> gotHere.size() == 1 && gotThere.size() == 1);
            quiet();
            assertThat(gotHere).containsExactly(toA);
            assertThat(gotThere).containsExactly(toB);
        }
    }

    @Test
    void aPostToAnAddressNobodyListensOnNeverThrows() {
        here.post("nobody-" + UUID.randomUUID().toString().substring(0, 8), offer(agent(), 1));
        quiet();
        assertThat(gotHere).isEmpty();
    }

    private void await(BooleanSupplier condition) {
        Eventually.await(patience(), Duration.ofMillis(10), "not delivered within " + patience(), condition);
    }

    private void quiet() {
        Eventually.sleep(quietPeriod());
    }
}
