package io.controlplane.ports;

import io.controlplane.domain.OrganisationLimit;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.TenantOrganisationLimit;
import java.util.Comparator;
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
    OrganisationLimit putOrganisation(OrganisationLimit limit);

    /** Every organisation's limit (a small list: the organisations an operator limited). */
    List<OrganisationLimit> organisations();

    /** Lifts an organisation's limit; false when it had none. */
    boolean deleteOrganisation(String key);

    /** Sets (or replaces) a tenant's own limit on its jobs against an organisation. */
    TenantOrganisationLimit putTenantLimit(TenantOrganisationLimit limit);

    /** Every tenant's own organisation limits (a small list: the ones tenants set). */
    List<TenantOrganisationLimit> tenantLimits();

    /** One tenant's own organisation limits, by organisation key. */
    default List<TenantOrganisationLimit> tenantLimits(String tenantId) {
        return tenantLimits().stream().filter(l -> l.tenantId().equals(tenantId))
                .sorted(Comparator.comparing(TenantOrganisationLimit::key)).toList();
    }

    /** Lifts a tenant's own limit; false when it had none. */
    boolean deleteTenantLimit(String tenantId, String key);

    /** A throttle as stored, with the version a conditional write names. */
    record StoredThrottle(OrganisationThrottle throttle, String etag) {
    }

    /** The organisation's throttle, if one was ever reported (it may be over). */
    Optional<StoredThrottle> throttle(String key);

    /**
     * Writes the organisation's throttle if the stored one is still version {@code etag} (null: none
     * is stored yet).
     *
     * @throws io.controlplane.domain.ConcurrencyConflictException when it changed (or was created) meanwhile
     */
    StoredThrottle putThrottle(OrganisationThrottle throttle, String etag);

    /** Every organisation's throttle as stored, over or not (a small list: the organisations that throttled). */
    List<OrganisationThrottle> throttles();
}
