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

    /** Sets (or replaces) a tenant's own limit on its jobs against an organisation. */
    io.controlplane.domain.TenantOrganisationLimit putTenantLimit(io.controlplane.domain.TenantOrganisationLimit limit);

    /** Every tenant's own organisation limits (a small list: the ones tenants set). */
    List<io.controlplane.domain.TenantOrganisationLimit> tenantLimits();

    /** One tenant's own organisation limits, by organisation key. */
    default List<io.controlplane.domain.TenantOrganisationLimit> tenantLimits(String tenantId) {
        return tenantLimits().stream().filter(l -> l.tenantId().equals(tenantId))
                .sorted(java.util.Comparator.comparing(io.controlplane.domain.TenantOrganisationLimit::key)).toList();
    }

    /** Lifts a tenant's own limit; false when it had none. */
    boolean deleteTenantLimit(String tenantId, String key);

    /** A throttle as stored, with the version a conditional write names. */
    record StoredThrottle(io.controlplane.domain.OrganisationThrottle throttle, String etag) {
    }

    /** The organisation's throttle, if one was ever reported (it may be over). */
    Optional<StoredThrottle> throttle(String key);

    /**
     * Writes the organisation's throttle if the stored one is still version {@code etag} (null: none
     * is stored yet).
     *
     * @throws io.controlplane.domain.ConcurrencyConflictException when it changed (or was created) meanwhile
     */
    StoredThrottle putThrottle(io.controlplane.domain.OrganisationThrottle throttle, String etag);

    /** Every organisation's throttle as stored, over or not (a small list: the organisations that throttled). */
    List<io.controlplane.domain.OrganisationThrottle> throttles();
}
