package io.controlplane.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one contract every {@link TenantStore} adapter passes. */
public abstract class TenantStoreContractTest {

    protected TenantStore store;
    private String tenant;

    protected abstract TenantStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
        tenant = "t" + UUID.randomUUID();
    }

    @Test
    void anEntitlementIsStoredReplacedListedAndDeleted() {
        TenantEntitlement first = new TenantEntitlement(tenant, Tier.Premium, Set.of("westeurope", "northeurope"), null, 5);
        store.put(first);
        assertThat(store.find(tenant)).contains(first);

        TenantEntitlement second = new TenantEntitlement(tenant, Tier.Platinum, Set.of("westeurope"), "pool-a", 50,
                Set.of("kv-contoso", "kv-shared/contoso-"), Set.of("pool-a", "contoso-selfhosted"));
        store.put(second);
        assertThat(store.find(tenant)).contains(second);
        assertThat(store.list()).contains(second).doesNotContain(first);

        assertThat(store.delete(tenant)).isTrue();
        assertThat(store.find(tenant)).isEmpty();
        assertThat(store.list()).extracting(TenantEntitlement::tenantId).doesNotContain(tenant);
        assertThat(store.delete(tenant)).as("gone already").isFalse();
    }

    @Test
    void aTenantsFairShareWeightIsKept() {
        TenantEntitlement weighted = new TenantEntitlement(tenant, Tier.Standard, Set.of(), null, 5).withWeight(7);
        store.put(weighted);

        assertThat(store.find(tenant)).map(TenantEntitlement::weight).contains(7);
        assertThat(new TenantEntitlement(tenant, Tier.Standard, Set.of(), null, 5).weight()).as("none given").isEqualTo(1);
    }

    @Test
    void anOrganisationsLimitIsStoredReplacedListedAndLiftedApartFromEntitlements() {
        String key = "dev.azure.com:" + tenant;
        store.putOrganisation(new io.controlplane.domain.OrganisationLimit(key, 3));
        store.putOrganisation(new io.controlplane.domain.OrganisationLimit(key, 5));
        store.put(new TenantEntitlement(tenant, Tier.Standard, Set.of(), null, 5));

        assertThat(store.organisations()).filteredOn(o -> o.key().equals(key))
                .containsExactly(new io.controlplane.domain.OrganisationLimit(key, 5));
        assertThat(store.list()).extracting(TenantEntitlement::tenantId).contains(tenant).doesNotContain(key);

        assertThat(store.deleteOrganisation(key)).isTrue();
        assertThat(store.deleteOrganisation(key)).isFalse();
        assertThat(store.organisations()).noneMatch(o -> o.key().equals(key));
        assertThat(store.find(tenant)).isPresent();
    }

    @Test
    void aTenantsOwnOrganisationLimitsAreKeptApartFromTheOperatorsAndFromOtherTenants() {
        String key = "dev.azure.com:" + tenant;
        String other = "o" + UUID.randomUUID();
        store.putTenantLimit(new io.controlplane.domain.TenantOrganisationLimit(tenant, key, 3));
        store.putTenantLimit(new io.controlplane.domain.TenantOrganisationLimit(tenant, key, 2));
        store.putTenantLimit(new io.controlplane.domain.TenantOrganisationLimit(other, key, 5));

        assertThat(store.tenantLimits()).filteredOn(l -> l.key().equals(key)).containsExactlyInAnyOrder(
                new io.controlplane.domain.TenantOrganisationLimit(tenant, key, 2),
                new io.controlplane.domain.TenantOrganisationLimit(other, key, 5));
        assertThat(store.organisations()).noneMatch(o -> o.key().equals(key));

        assertThat(store.deleteTenantLimit(tenant, key)).isTrue();
        assertThat(store.deleteTenantLimit(tenant, key)).isFalse();
        assertThat(store.tenantLimits()).filteredOn(l -> l.key().equals(key)).extracting(l -> l.tenantId()).containsExactly(other);
    }

    @Test
    void aThrottleIsWrittenOnlyOverTheVersionItWasReadAt() {
        String key = "dev.azure.com:" + tenant;
        java.time.Instant now = java.time.Instant.parse("2026-12-02T10:00:00Z");
        var first = io.controlplane.domain.OrganisationThrottle.reported(null, key, now, java.time.Duration.ofSeconds(60), 0, 8,
                java.time.Duration.ofSeconds(30));
        assertThat(store.throttle(key)).isEmpty();

        TenantStore.StoredThrottle stored = store.putThrottle(first, null);
        assertThat(store.throttle(key)).map(TenantStore.StoredThrottle::throttle).contains(first);
        assertThat(store.throttles()).contains(first);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.putThrottle(first, null))
                .as("created meanwhile").isInstanceOf(io.controlplane.domain.ConcurrencyConflictException.class);

        var second = io.controlplane.domain.OrganisationThrottle.reported(first, key, now.plusSeconds(40),
                java.time.Duration.ofSeconds(120), null, 8, java.time.Duration.ofSeconds(30));
        store.putThrottle(second, stored.etag());
        assertThat(store.throttle(key)).map(TenantStore.StoredThrottle::throttle).contains(second);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.putThrottle(second, stored.etag()))
                .as("a stale version").isInstanceOf(io.controlplane.domain.ConcurrencyConflictException.class);

        assertThat(store.throttles()).filteredOn(t -> t.key().equals(key)).containsExactly(second);
    }

    @Test
    void anUnknownTenantHasNoEntitlement() {
        assertThat(store.find(tenant)).isEmpty();
    }
}
