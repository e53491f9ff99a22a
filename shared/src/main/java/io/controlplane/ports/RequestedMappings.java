package io.controlplane.ports;

import io.controlplane.domain.IdMapping;
import io.controlplane.domain.MappingConflictException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The items of one {@link MappingStore#record} call, checked against each other before any store
 * is asked: repeats are dropped (and counted), and two items that contradict each other refuse the
 * call. Every adapter starts here, so they agree on what a call means.
 */
public final class RequestedMappings {

    private final List<IdMapping> distinct;
    private final int repeats;

    private RequestedMappings(List<IdMapping> distinct, int repeats) {
        this.distinct = List.copyOf(distinct);
        this.repeats = repeats;
    }

    /**
     * @throws MappingConflictException when two items map one source (or one target) differently
     * @throws IllegalArgumentException when there are too many items or one is not a valid mapping
     *     (use cases validate first; this guards the key format)
     */
    public static RequestedMappings of(List<IdMapping> items) {
        if (items.size() > MappingStore.MAX_ITEMS_PER_CALL) {
            throw new IllegalArgumentException("At most " + MappingStore.MAX_ITEMS_PER_CALL + " mappings per call");
        }
        LinkedHashSet<IdMapping> distinct = new LinkedHashSet<>();
        Map<List<String>, IdMapping> bySource = new HashMap<>();
        Map<List<String>, IdMapping> byTarget = new HashMap<>();
        IdMapping firstConflict = null;
        IdMapping conflictsWith = null;
        int conflicts = 0;
        for (IdMapping item : items) {
            requireValid(item);
            if (!distinct.add(item)) {
                continue;
            }
            IdMapping sameSource = bySource.putIfAbsent(List.of(item.type(), item.sourceId()), item);
            IdMapping sameTarget = byTarget.putIfAbsent(List.of(item.type(), item.targetId()), item);
            IdMapping earlier = sameSource != null ? sameSource : sameTarget;
            if (earlier != null) {
                if (conflicts++ == 0) {
                    firstConflict = item;
                    conflictsWith = earlier;
                }
            }
        }
        if (firstConflict != null) {
            throw MappingConflictException.withinRequest(firstConflict, conflictsWith, conflicts - 1);
        }
        return new RequestedMappings(new ArrayList<>(distinct), items.size() - distinct.size());
    }

    private static void requireValid(IdMapping item) {
        Objects.requireNonNull(item, "mapping");
        if (IdMapping.typeProblem(item.type()).isPresent() || IdMapping.idProblem(item.sourceId()).isPresent()
                || IdMapping.idProblem(item.targetId()).isPresent()) {
            throw new IllegalArgumentException("Not a valid mapping (validate before storing): type '" + item.type() + "'");
        }
    }

    /** Each pair once, in the order first given. */
    public List<IdMapping> distinct() {
        return distinct;
    }

    /** Items that repeated an earlier item of the call. */
    public int repeats() {
        return repeats;
    }
}
