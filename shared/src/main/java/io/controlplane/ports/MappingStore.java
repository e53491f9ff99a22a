package io.controlplane.ports;

import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Page;
import java.util.List;
import java.util.Optional;

/**
 * ID mappings, kept per tenant and mapping scope, readable both ways: from a source id to its
 * target and from a target id back to its source. Within a scope and type, a source maps to one
 * target and a target from one source; a mapping once recorded is not changed, only erased with its
 * scope.
 */
public interface MappingStore {

    /** The most mappings one {@link #record} call takes. */
    int MAX_ITEMS_PER_CALL = 1000;

    /**
     * What a {@link #record} call did: {@code recorded} pairs were new; {@code alreadyPresent} items
     * were stored already or repeated an earlier item of the call. The two add up to the items given.
     */
    record Recorded(int recorded, int alreadyPresent) {
    }

    /**
     * Records up to {@link #MAX_ITEMS_PER_CALL} mappings, both directions, all or nothing. A pair
     * that is stored already is fine (idempotent) and written again never.
     *
     * @throws io.controlplane.domain.MappingConflictException when an item contradicts a stored
     *     mapping or another item of the call; then nothing of the call is stored
     * @throws io.controlplane.domain.ConcurrencyConflictException when concurrent writers kept
     *     changing the scope; nothing of the call is stored and it may be sent again
     */
    Recorded record(String tenantId, String scope, List<IdMapping> items);

    Optional<IdMapping> findBySource(String tenantId, String scope, String type, String sourceId);

    Optional<IdMapping> findByTarget(String tenantId, String scope, String type, String targetId);

    /**
     * The scope's mappings, of one type or (null) all, a page at a time, ordered by the text
     * {@code type|sourceId} (so by source id within a type).
     *
     * @throws InvalidContinuationTokenException for a token this listing did not issue
     */
    Page<IdMapping> list(String tenantId, String scope, String type, int limit, String continuationToken);

    /** Deletes every mapping of the scope. */
    void erase(String tenantId, String scope);

    /** Deletes every mapping of every scope of the tenant. */
    void eraseTenant(String tenantId);
}
