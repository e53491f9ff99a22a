package io.controlplane.bench;

import static io.controlplane.bench.CountingStores.TENANTS;

import io.controlplane.domain.OrganisationLimit;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.TenantOrganisationLimit;
import io.controlplane.ports.TenantStore;
import java.util.List;
import java.util.Optional;

/** A {@link TenantStore} that counts each call in a {@link PartitionTally}, all in the tenants table's one partition. */
final class CountingTenantStore extends CountingPort<TenantStore> implements TenantStore {
    private static final String ONE = "all";

    CountingTenantStore(TenantStore d, PartitionTally t) {
        super(d, t);
    }

    @Override
    public Optional<TenantEntitlement> find(String tenantId) {
        t.count(TENANTS, ONE, "find", 1);
        return d.find(tenantId);
    }

    @Override
    public TenantEntitlement put(TenantEntitlement entitlement) {
        t.count(TENANTS, ONE, "put", 1);
        return d.put(entitlement);
    }

    @Override
    public List<TenantEntitlement> list() {
        List<TenantEntitlement> found = d.list();
        t.count(TENANTS, ONE, "list", found.size());
        return found;
    }

    @Override
    public boolean delete(String tenantId) {
        t.count(TENANTS, ONE, "delete", 1);
        return d.delete(tenantId);
    }

    @Override
    public OrganisationLimit putOrganisation(OrganisationLimit limit) {
        t.count(TENANTS, ONE, "putOrganisation", 1);
        return d.putOrganisation(limit);
    }

    @Override
    public List<OrganisationLimit> organisations() {
        List<OrganisationLimit> found = d.organisations();
        t.count(TENANTS, ONE, "organisations", Math.max(1, found.size()));
        return found;
    }

    @Override
    public boolean deleteOrganisation(String key) {
        t.count(TENANTS, ONE, "deleteOrganisation", 1);
        return d.deleteOrganisation(key);
    }

    @Override
    public TenantOrganisationLimit putTenantLimit(TenantOrganisationLimit limit) {
        t.count(TENANTS, ONE, "putTenantLimit", 1);
        return d.putTenantLimit(limit);
    }

    @Override
    public List<TenantOrganisationLimit> tenantLimits() {
        List<TenantOrganisationLimit> found = d.tenantLimits();
        t.count(TENANTS, ONE, "tenantLimits", Math.max(1, found.size()));
        return found;
    }

    @Override
    public boolean deleteTenantLimit(String tenantId, String key) {
        t.count(TENANTS, ONE, "deleteTenantLimit", 1);
        return d.deleteTenantLimit(tenantId, key);
    }

    @Override
    public Optional<StoredThrottle> throttle(String key) {
        t.count(TENANTS, ONE, "throttle", 1);
        return d.throttle(key);
    }

    @Override
    public StoredThrottle putThrottle(OrganisationThrottle throttle, String etag) {
        t.count(TENANTS, ONE, "putThrottle", 1);
        return d.putThrottle(throttle, etag);
    }

    @Override
    public List<OrganisationThrottle> throttles() {
        List<OrganisationThrottle> found = d.throttles();
        t.count(TENANTS, ONE, "throttles", Math.max(1, found.size()));
        return found;
    }
}
