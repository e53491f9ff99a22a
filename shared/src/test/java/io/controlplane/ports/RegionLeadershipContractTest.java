package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RegionLeadership} adapter passes: the blob lease on Azurite and the
 * in-memory election. Two members stand for two instances of one deployment.
 */
public abstract class RegionLeadershipContractTest {

    /** Members of one deployment's election over {@code regions}, isolated from other tests. */
    protected abstract RegionLeadership newMember(String deployment, List<String> regions, String instanceId);

    /** How long a region may go without a leader after its leader stops (stopped cleanly, or died). */
    protected Duration patience() {
        return Duration.ofSeconds(15);
    }

    /** Stops a member as a killed process would: no hand-back (null: the adapter cannot show it). */
    protected Runnable killer(RegionLeadership member) {
        return null;
    }

    private static String id(String what) {
        return what + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    /** What a member was told, in order (adapters' own tests listen with it too). */
    public static final class Told implements RegionLeadership.Listener {
        public final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void gained(String region) {
            events.add("gained " + region);
        }

        @Override
        public void lost(String region) {
            events.add("lost " + region);
        }

        @Override
        public void holderChanged(String region) {
            events.add("holder " + region);
        }
    }

    @Test
    void exactlyOneMemberLeadsEachRegion() {
        String deployment = id("d");
        List<String> regions = List.of(id("r"), id("r"));
        RegionLeadership a = newMember(deployment, regions, "a");
        RegionLeadership b = newMember(deployment, regions, "b");
        Told toldA = new Told();
        Told toldB = new Told();
        a.watch(toldA);
        b.watch(toldB);
        try {
            a.start();
            b.start();
            for (String region : regions) {
                await(() -> a.leads(region) || b.leads(region));
                assertThat(a.leads(region)).isNotEqualTo(b.leads(region));
                RegionLeadership leader = a.leads(region) ? a : b;
                Told told = leader == a ? toldA : toldB;
                assertThat(told.events).contains("gained " + region);
            }
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void whenTheLeaderStopsAnotherMemberTakesTheRegion() {
        String deployment = id("d");
        String region = id("r");
        RegionLeadership a = newMember(deployment, List.of(region), "a");
        Told toldA = new Told();
        a.watch(toldA);
        a.start();
        await(() -> a.leads(region));
        RegionLeadership b = newMember(deployment, List.of(region), "b");
        Told toldB = new Told();
        b.watch(toldB);
        try {
            b.start();
            sleep(200);
            assertThat(b.leads(region)).isFalse();

            a.close();

            await(() -> b.leads(region));
            assertThat(a.leads(region)).isFalse();
            assertThat(toldA.events).contains("gained " + region, "lost " + region);
            assertThat(toldB.events).contains("gained " + region);
        } finally {
            b.close();
        }
    }

    @Test
    void whenTheLeaderDiesAnotherMemberTakesTheRegionWithinTheLeaseTime() {
        String deployment = id("d");
        String region = id("r");
        RegionLeadership a = newMember(deployment, List.of(region), "a");
        Runnable kill = killer(a);
        if (kill == null) {
            a.close();
            return; // the adapter has no way to die without handing back
        }
        a.start();
        await(() -> a.leads(region));
        RegionLeadership b = newMember(deployment, List.of(region), "b");
        Told toldB = new Told();
        b.watch(toldB);
        try {
            b.start();
            kill.run();

            await(() -> b.leads(region));
            assertThat(toldB.events).contains("gained " + region);
        } finally {
            b.close();
        }
    }

    protected void await(BooleanSupplier condition) {
        Eventually.await(patience(), Duration.ofMillis(20), "not within " + patience(), condition);
    }

    protected static void sleep(long ms) {
        Eventually.sleep(ms);
    }
}
