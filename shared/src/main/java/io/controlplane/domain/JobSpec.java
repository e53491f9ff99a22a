package io.controlplane.domain;

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
        requiredCapabilities = List.copyOf(requiredCapabilities);
        config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
    }
}
