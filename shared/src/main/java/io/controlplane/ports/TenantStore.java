package io.controlplane.ports;

import io.controlplane.domain.TenantEntitlement;
import java.util.List;
import java.util.Optional;

/** Tenants' entitlements and organisations' limits, as operators set them. */
public interface TenantStore {

    Optional<TenantEntitlement> find(String tenantId);

    TenantEntitlement put(TenantEntitlement entitlement);

    List<TenantEntitlement> list();

    /** Deletes the tenant's entitlement; false when there was none. */
    boolean delete(String tenantId);

    /** Sets (or replaces) an organisation's limit. */
    io.controlplane.domain.OrganisationLimit putOrganisation(io.controlplane.domain.OrganisationLimit limit);

    /** Every organisation's limit (a small list: the organisations an operator limited). */
    List<io.controlplane.domain.OrganisationLimit> organisations();

    /** Lifts an organisation's limit; false when it had none. */
    boolean deleteOrganisation(String key);
}
