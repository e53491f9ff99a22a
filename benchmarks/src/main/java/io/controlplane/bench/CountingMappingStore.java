package io.controlplane.bench;

import static io.controlplane.bench.CountingStores.MAPPINGS;

import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Page;
import io.controlplane.ports.MappingStore;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A {@link MappingStore} that counts each call in a {@link PartitionTally} under the tenant's and
 * scope's partition of the mappings table; a mapping is two entities (both directions).
 */
final class CountingMappingStore extends CountingPort<MappingStore> implements MappingStore {

    CountingMappingStore(MappingStore d, PartitionTally t) {
        super(d, t);
    }

    private static String key(String tenantId, String scope) {
        return tenantId + "|" + scope;
    }

    @Override
    public Recorded record(String tenantId, String scope, List<IdMapping> items) {
        Recorded r = d.record(tenantId, scope, items);
        t.count(MAPPINGS, key(tenantId, scope), "record", 2L * items.size());
        return r;
    }

    @Override
    public Optional<IdMapping> findBySource(String tenantId, String scope, String type, String sourceId) {
        t.count(MAPPINGS, key(tenantId, scope), "findBySource", 1);
        return d.findBySource(tenantId, scope, type, sourceId);
    }

    @Override
    public Optional<IdMapping> findByTarget(String tenantId, String scope, String type, String targetId) {
        t.count(MAPPINGS, key(tenantId, scope), "findByTarget", 1);
        return d.findByTarget(tenantId, scope, type, targetId);
    }

    @Override
    public Page<IdMapping> list(String tenantId, String scope, String type, int limit, String continuationToken) {
        Page<IdMapping> page = d.list(tenantId, scope, type, limit, continuationToken);
        t.count(MAPPINGS, key(tenantId, scope), "list", page.items().size());
        return page;
    }

    @Override
    public boolean eraseIfUnused(String tenantId, String scope, BooleanSupplier unused) {
        t.count(MAPPINGS, key(tenantId, scope), "erase", 1);
        return d.eraseIfUnused(tenantId, scope, unused);
    }

    @Override
    public void eraseTenant(String tenantId) {
        t.count(MAPPINGS, "*", "eraseTenant", 1);
        d.eraseTenant(tenantId);
    }
}
