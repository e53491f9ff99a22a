package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.adapters.memory.InMemoryTenantStore;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How stale an instance's entitlements may be: the instance that changed or erased one forgets it at
 * once, every other within {@link Pools#TTL} (docs/operations.md and data-protection.md say so).
 */
class PoolsTest {

    private final InMemoryTenantStore store = new InMemoryTenantStore();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final Pools here = new Pools(store, clock);
    private final Pools elsewhere = new Pools(store, clock);

    @Test
    void anEraseIsSeenHereAtOnceAndOnOtherInstancesWithinTheTtl() {
        store.put(new TenantEntitlement("contoso", Tier.Platinum, Set.of(), "contoso-pool", 10, Set.of("kv-contoso"),
                Set.of("contoso-pool")));
        assertThat(here.entitlement("contoso")).isPresent();
        assertThat(elsewhere.entitlement("contoso")).isPresent();

        store.delete("contoso"); // the erase, on this instance
        here.invalidate();

        assertThat(here.entitlement("contoso")).isEmpty();
        assertThat(here.directory().ownerOf("contoso-pool")).isEmpty();
        clock.advance(Pools.TTL.minus(Duration.ofMillis(1)));
        assertThat(elsewhere.entitlement("contoso")).as("still cached elsewhere, at most the TTL").isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(elsewhere.entitlement("contoso")).isEmpty();
        assertThat(elsewhere.directory().mayResolveEnv("contoso", "contoso-pool")).as("no entitlement: unbound").isTrue();
        assertThat(Pools.TTL).isLessThanOrEqualTo(Duration.ofSeconds(30));
    }
}
