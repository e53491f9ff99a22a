package io.controlplane.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client asked for: a validated, immutable job specification. {@code config} is opaque to
 * the control plane (JSON object as plain Java maps, lists, strings, numbers, booleans).
 */
public record JobSpec(
        String name,
        Tier tier,
        String region,
        JobKind kind,
        List<String> requiredCapabilities,
        Endpoint source,
        Endpoint target,
        String mappingScope,
        Map<String, Object> config,
        JobPolicy policy) {

    public JobSpec {
        requiredCapabilities = requiredCapabilities == null ? List.of() : List.copyOf(requiredCapabilities);
        config = config == null ? Map.of() : frozenMap(config);
    }

    // Deep copies: a shallow unmodifiable wrapper would still let a nested map or list of config
    // change under a spec that is already validated and stored. JSON nulls are kept, so no Map.copyOf.
    private static Map<String, Object> frozenMap(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(String.valueOf(key), frozen(value)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object frozen(Object value) {
        if (value instanceof Map<?, ?> map) {
            return frozenMap(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(item -> copy.add(frozen(item)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
