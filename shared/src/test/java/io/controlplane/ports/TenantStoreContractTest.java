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
    void anUnknownTenantHasNoEntitlement() {
        assertThat(store.find(tenant)).isEmpty();
    }
}
