package io.controlplane.ports;

import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Page;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

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
     * that is stored already is fine (idempotent): it counts as already present, and from then on
     * it is a fact no other call's undo removes (only an erase of its scope does).
     *
     * @throws io.controlplane.domain.MappingConflictException when an item contradicts a stored
     *     mapping or another item of the call; then nothing the call added is stored (except pairs
     *     that a concurrent call counted as already present meanwhile: that call was told so)
     * @throws io.controlplane.domain.ConcurrencyConflictException when concurrent writers kept
     *     changing the scope; nothing the call added is stored (same exception) and it may be sent again
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

    /**
     * Erases the scope's mappings if {@code unused}, asked once the erase has begun, says that no
     * job uses the scope any more; true when it erased. Every mapping stored before the erase began
     * is deleted; a mapping that a call records, or counts as already present, after {@code unused}
     * was asked stays (a new job of the scope that started meanwhile keeps what it records).
     */
    boolean eraseIfUnused(String tenantId, String scope, BooleanSupplier unused);

    /** Deletes every mapping of the scope stored before the erase began (as {@link #eraseIfUnused}). */
    default void erase(String tenantId, String scope) {
        eraseIfUnused(tenantId, scope, () -> true);
    }

    /** Deletes every mapping of every scope of the tenant. */
    void eraseTenant(String tenantId);
}
