package io.controlplane.adapters.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.LeaseStateType;
import io.controlplane.ports.RegionLeadership;
import io.controlplane.ports.RegionLeadershipContractTest;
import io.controlplane.testing.Azurite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leadership contract on real blob leases (Azurite), plus what only this adapter does. */
class BlobRegionLeadershipTest extends RegionLeadershipContractTest {

    /** Azure's shortest lease. */
    private static final Duration LEASE = Duration.ofSeconds(15);
    private static final Duration RENEW_EVERY = Duration.ofMillis(500);

    private final List<BlobRegionLeadership> built = new ArrayList<>();

    private static String connection() {
        return Azurite.shared().connectionString();
    }

    private BlobRegionLeadership member(String deployment, List<String> regions, String instanceId) {
        BlobRegionLeadership member = BlobRegionLeadership.builder()
                .connectionString(connection())
                .containerPrefix(deployment + "-")
                .regions(regions)
                .instanceId(instanceId)
                .leaseDuration(LEASE)
                .renewEvery(RENEW_EVERY)
                .build();
        built.add(member);
        return member;
    }

    @Override
    protected RegionLeadership newMember(String deployment, List<String> regions, String instanceId) {
        return member(deployment, regions, instanceId);
    }

    @Override
    protected Runnable killer(RegionLeadership member) {
        return ((BlobRegionLeadership) member)::kill;
    }

    /** A dead leader's lease lapses after LEASE; the next member's try comes within RENEW_EVERY of that. */
    @Override
    protected Duration patience() {
        return LEASE.plus(RENEW_EVERY.multipliedBy(2)).plusSeconds(2);
    }

    @AfterEach
    void deleteContainers() {
        for (BlobRegionLeadership member : built) {
            member.kill(); // a member the test left running: no release, the container goes anyway
            container(member.containerName()).deleteIfExists();
        }
    }

    private static BlobContainerClient container(String name) {
        return new BlobServiceClientBuilder().connectionString(connection()).serviceVersion(BlobRegionLeadership.SERVICE_VERSION)
                .buildClient().getBlobContainerClient(name);
    }

    private static String id(String what) {
        return what + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    @Test
    void theLeaderLeasesTheRegionsBlobAndNamesItselfInItsMetadata() {
        String deployment = id("d");
        String region = id("r");
        BlobRegionLeadership a = member(deployment, List.of(region), "instance-a");
        a.start();
        await(() -> a.leads(region));

        var blob = container(deployment + "-dispatch-leaders").getBlobClient(region);
        await(() -> "instance-a".equals(blob.getProperties().getMetadata().get("holder")));
        assertThat(blob.getProperties().getLeaseState()).isEqualTo(LeaseStateType.LEASED);

        a.close();
        assertThat(a.leads(region)).isFalse();
        assertThat(blob.getProperties().getLeaseState()).isEqualTo(LeaseStateType.AVAILABLE);
    }

    @Test
    void aFollowerIsToldWhenTheHolderChanges() {
        String deployment = id("d");
        String region = id("r");
        BlobRegionLeadership a = member(deployment, List.of(region), "a");
        a.start();
        await(() -> a.leads(region));
        BlobRegionLeadership b = member(deployment, List.of(region), "b");
        BlobRegionLeadership c = member(deployment, List.of(region), "c");
        Told toldC = new Told();
        c.watch(toldC);
        c.start();
        await(() -> toldC.events.contains("holder " + region)); // c first sees a
        b.start();
        sleep(RENEW_EVERY.toMillis() * 2);

        a.close();
        await(() -> b.leads(region) || c.leads(region));
        if (b.leads(region)) {
            // c saw a, then b: told twice; it never led.
            await(() -> toldC.events.stream().filter(e -> e.equals("holder " + region)).count() == 2);
            assertThat(toldC.events).doesNotContain("gained " + region);
        } else {
            assertThat(toldC.events).contains("gained " + region);
        }
        assertThat(b.leads(region)).isNotEqualTo(c.leads(region));
    }

    @Test
    void aLeaderCutOffFromStorageStopsLeadingBeforeItsLeaseCanLapse(@TempDir Path data) {
        String region = id("r");
        try (Azurite own = Azurite.start(data)) {
            BlobRegionLeadership a = BlobRegionLeadership.builder()
                    .connectionString(own.connectionString())
                    .containerPrefix(id("d") + "-")
                    .regions(List.of(region))
                    .instanceId("a")
                    .leaseDuration(LEASE)
                    .renewEvery(RENEW_EVERY)
                    .build();
            Told told = new Told();
            a.watch(told);
            a.start();
            try {
                await(() -> a.leads(region));
                own.close();
                long cutOff = System.nanoTime();

                await(() -> !a.leads(region));
                Duration stillLed = Duration.ofNanos(System.nanoTime() - cutOff);
                await(() -> told.events.contains("lost " + region));

                // Believed until about the lease minus the margin after its last renewal, never past the lease.
                assertThat(stillLed).isLessThan(LEASE).isGreaterThan(LEASE.minus(RENEW_EVERY.multipliedBy(3)));
                assertThat(told.events).containsExactly("gained " + region, "lost " + region);
            } finally {
                a.kill();
            }
        }
    }

    @Test
    void leadsIsFalseForARegionTheMemberDoesNotElect() {
        String deployment = id("d");
        BlobRegionLeadership a = member(deployment, List.of(id("r")), "a");
        a.start();

        assertThat(a.leads("elsewhere")).isFalse();
    }

    @Test
    void theBuilderNamesEveryProblem() {
        assertThatThrownBy(() -> BlobRegionLeadership.builder().containerPrefix("Bad_").leaseDuration(Duration.ofSeconds(10))
                .renewEvery(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("connection string or a blob endpoint", "no blob container name", "region",
                        "instance id", "leaseDuration", "renewEvery");
    }
}
