package io.controlplane.ports;

import io.controlplane.domain.TenantEntitlement;
import java.util.List;
import java.util.Optional;

/** Tenants' entitlements, as operators set them. */
public interface TenantStore {

    Optional<TenantEntitlement> find(String tenantId);

    TenantEntitlement put(TenantEntitlement entitlement);

    List<TenantEntitlement> list();

    /** Deletes the tenant's entitlement; false when there was none. */
    boolean delete(String tenantId);
}
