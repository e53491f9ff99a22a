package io.controlplane.adapters.memory;

import io.controlplane.domain.TenantEntitlement;
import io.controlplane.ports.TenantStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Entitlements in memory, for unit tests. */
public final class InMemoryTenantStore implements TenantStore {

    private final Map<String, TenantEntitlement> tenants = new ConcurrentHashMap<>();

    @Override
    public Optional<TenantEntitlement> find(String tenantId) {
        return Optional.ofNullable(tenants.get(tenantId));
    }

    @Override
    public TenantEntitlement put(TenantEntitlement entitlement) {
        tenants.put(entitlement.tenantId(), entitlement);
        return entitlement;
    }

    @Override
    public List<TenantEntitlement> list() {
        return List.copyOf(tenants.values());
    }

    @Override
    public boolean delete(String tenantId) {
        return tenants.remove(tenantId) != null;
    }

    private final Map<String, io.controlplane.domain.OrganisationLimit> organisations = new ConcurrentHashMap<>();

    @Override
    public io.controlplane.domain.OrganisationLimit putOrganisation(io.controlplane.domain.OrganisationLimit limit) {
        organisations.put(limit.key(), limit);
        return limit;
    }

    @Override
    public List<io.controlplane.domain.OrganisationLimit> organisations() {
        return List.copyOf(organisations.values());
    }

    @Override
    public boolean deleteOrganisation(String key) {
        return organisations.remove(key) != null;
    }

    /** Everything stored, as comparable immutable values (for tests that assert "nothing changed"). */
    public Map<String, TenantEntitlement> contents() {
        return Map.copyOf(tenants);
    }
}
