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

    private final Map<String, io.controlplane.domain.TenantOrganisationLimit> tenantLimits = new ConcurrentHashMap<>();

    @Override
    public io.controlplane.domain.TenantOrganisationLimit putTenantLimit(io.controlplane.domain.TenantOrganisationLimit limit) {
        tenantLimits.put(limit.tenantId() + "|" + limit.key(), limit);
        return limit;
    }

    @Override
    public List<io.controlplane.domain.TenantOrganisationLimit> tenantLimits() {
        return List.copyOf(tenantLimits.values());
    }

    @Override
    public boolean deleteTenantLimit(String tenantId, String key) {
        return tenantLimits.remove(tenantId + "|" + key) != null;
    }

    private final Map<String, StoredThrottle> throttles = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong versions = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public Optional<StoredThrottle> throttle(String key) {
        return Optional.ofNullable(throttles.get(key));
    }

    @Override
    public synchronized StoredThrottle putThrottle(io.controlplane.domain.OrganisationThrottle throttle, String etag) {
        StoredThrottle stored = throttles.get(throttle.key());
        if (etag == null ? stored != null : stored == null || !stored.etag().equals(etag)) {
            throw new io.controlplane.domain.ConcurrencyConflictException("The throttle of " + throttle.key() + " changed concurrently.");
        }
        StoredThrottle next = new StoredThrottle(throttle, "v" + versions.incrementAndGet());
        throttles.put(throttle.key(), next);
        return next;
    }

    @Override
    public List<io.controlplane.domain.OrganisationThrottle> throttles() {
        return throttles.values().stream().map(StoredThrottle::throttle).toList();
    }

    /** Everything stored, as comparable immutable values (for tests that assert "nothing changed"). */
    public Map<String, TenantEntitlement> contents() {
        return Map.copyOf(tenants);
    }
}
