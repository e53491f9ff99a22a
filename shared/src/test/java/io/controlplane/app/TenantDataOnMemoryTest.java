package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.adapters.memory.InMemoryAgentStore;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.adapters.memory.InMemoryMappingStore;
import io.controlplane.adapters.memory.InMemoryReadyQueue;
import io.controlplane.adapters.memory.InMemoryTenantStore;
import io.controlplane.domain.Tier;

class TenantDataOnMemoryTest extends TenantDataTest {

    @Override
    protected UseCases.Stores stores() {
        return new UseCases.Stores(new InMemoryJobStore(), new InMemoryAgentStore(), new InMemoryReadyQueue(),
                new InMemoryTenantStore(), new InMemoryMappingStore(), new io.controlplane.adapters.memory.InMemoryLeaseExpiries());
    }

    @Override
    protected void assertNothingStoredFor(String tenantId) {
        assertThat(((InMemoryJobStore) f.jobs).tenantsWithData()).doesNotContain(tenantId);
        assertThat(((InMemoryMappingStore) f.mappings).tenantsWithData()).doesNotContain(tenantId);
        assertThat(f.tenants.find(tenantId)).isEmpty();
        for (String region : new String[] {"westeurope", "northeurope"}) {
            assertThat(f.agents.list(region)).noneMatch(a -> tenantId.equals(a.principalTenant()));
            for (Tier tier : Tier.values()) {
                assertThat(f.ready.page(region, tier, null, 10_000)).noneMatch(e -> e.tenantId().equals(tenantId));
            }
        }
    }
}
