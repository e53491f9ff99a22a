package io.controlplane.adapters.memory;

import io.controlplane.domain.IdMapping;
import io.controlplane.domain.MappingConflictException;
import io.controlplane.domain.Page;
import io.controlplane.ports.ContinuationTokens;
import io.controlplane.ports.InvalidContinuationTokenException;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.RequestedMappings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * ID mappings in memory, for unit tests: same contract as the Table Storage adapter, and the same
 * row keys ({@code f|type|sourceId}), so listings page in the same order with the same tokens. A
 * logical clock stands in for the Table Storage Timestamp: each pair keeps the tick of the last
 * call that recorded or confirmed it, and an erase removes only pairs of ticks up to its start.
 */
public final class InMemoryMappingStore implements MappingStore {

    private static final class Scope {
        private final TreeMap<String, IdMapping> forward = new TreeMap<>();
        private final Map<String, IdMapping> reverse = new HashMap<>();
        /** The tick at which a call last recorded or confirmed the pair (kept out of {@link #contents}). */
        private final Map<IdMapping, Long> written = new HashMap<>();
    }

    private final Map<List<String>, Scope> scopes = new HashMap<>();
    private long tick;

    @Override
    public synchronized Recorded record(String tenantId, String scope, List<IdMapping> items) {
        RequestedMappings requested = RequestedMappings.of(items);
        Scope stored = scopes.computeIfAbsent(List.of(tenantId, scope), k -> new Scope());
        List<IdMapping> fresh = new ArrayList<>();
        List<IdMapping[]> conflicts = new ArrayList<>();
        List<IdMapping> present = new ArrayList<>();
        for (IdMapping pair : requested.distinct()) {
            IdMapping bySource = stored.forward.get(forwardKey(pair.type(), pair.sourceId()));
            IdMapping byTarget = stored.reverse.get(reverseKey(pair.type(), pair.targetId()));
            if (pair.equals(bySource)) {
                present.add(pair);
                continue;
            }
            if (bySource != null || byTarget != null) {
                conflicts.add(new IdMapping[] {pair, bySource != null ? bySource : byTarget});
            } else {
                fresh.add(pair);
            }
        }
        if (!conflicts.isEmpty()) {
            throw MappingConflictException.withStored(conflicts.get(0)[0], conflicts.get(0)[1], conflicts.size() - 1);
        }
        long now = ++tick;
        for (IdMapping pair : fresh) {
            stored.forward.put(forwardKey(pair.type(), pair.sourceId()), pair);
            stored.reverse.put(reverseKey(pair.type(), pair.targetId()), pair);
            stored.written.put(pair, now);
        }
        present.forEach(pair -> stored.written.put(pair, now)); // confirmed: a later erase's start leaves it
        return new Recorded(fresh.size(), items.size() - fresh.size());
    }

    @Override
    public synchronized Optional<IdMapping> findBySource(String tenantId, String scope, String type, String sourceId) {
        return Optional.ofNullable(scope(tenantId, scope).forward.get(forwardKey(type, sourceId)));
    }

    @Override
    public synchronized Optional<IdMapping> findByTarget(String tenantId, String scope, String type, String targetId) {
        return Optional.ofNullable(scope(tenantId, scope).reverse.get(reverseKey(type, targetId)));
    }

    @Override
    public synchronized Page<IdMapping> list(String tenantId, String scope, String type, int limit, String continuationToken) {
        String start = type == null ? "f|" : "f|" + type + "|";
        String after = ContinuationTokens.keyOf(continuationToken);
        if (after != null && !after.startsWith(start)) {
            throw new InvalidContinuationTokenException();
        }
        List<IdMapping> items = new ArrayList<>();
        String lastKey = null;
        boolean more = false;
        for (Map.Entry<String, IdMapping> row : scope(tenantId, scope).forward.tailMap(after == null ? start : after, after == null).entrySet()) {
            if (!row.getKey().startsWith(start)) {
                break;
            }
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(row.getValue());
            lastKey = row.getKey();
        }
        return new Page<>(items, more ? ContinuationTokens.after(lastKey) : null);
    }

    @Override
    public boolean eraseIfUnused(String tenantId, String scope, BooleanSupplier unused) {
        long began;
        synchronized (this) {
            began = tick;
        }
        // Asked outside the lock, as on Table Storage: calls may record while it is asked.
        if (!unused.getAsBoolean()) {
            return false;
        }
        synchronized (this) {
            Scope stored = scopes.get(List.of(tenantId, scope));
            if (stored == null) {
                return true;
            }
            for (Map.Entry<IdMapping, Long> pair : List.copyOf(stored.written.entrySet())) {
                if (pair.getValue() <= began) {
                    IdMapping erased = pair.getKey();
                    stored.forward.remove(forwardKey(erased.type(), erased.sourceId()));
                    stored.reverse.remove(reverseKey(erased.type(), erased.targetId()));
                    stored.written.remove(erased);
                }
            }
            if (stored.written.isEmpty()) {
                scopes.remove(List.of(tenantId, scope));
            }
            return true;
        }
    }

    /** Every tenant that has a mapping stored here (for erase tests). */
    public synchronized java.util.Set<String> tenantsWithData() {
        java.util.Set<String> tenants = new java.util.TreeSet<>();
        scopes.forEach((key, scope) -> tenants.add(key.get(0)));
        return tenants;
    }

    @Override
    public synchronized void eraseTenant(String tenantId) {
        scopes.keySet().removeIf(key -> key.get(0).equals(tenantId));
    }

    private Scope scope(String tenantId, String scope) {
        return scopes.getOrDefault(List.of(tenantId, scope), new Scope());
    }

    private static String forwardKey(String type, String sourceId) {
        return "f|" + type + "|" + sourceId;
    }

    private static String reverseKey(String type, String targetId) {
        return "r|" + type + "|" + targetId;
    }

    /** Everything stored, as comparable immutable values (for tests that assert "nothing changed"). */
    public synchronized Map<List<String>, Object> contents() {
        Map<List<String>, Object> copy = new HashMap<>();
        scopes.forEach((key, scope) -> copy.put(key, List.of(Map.copyOf(scope.forward), Map.copyOf(scope.reverse))));
        return copy;
    }
}
