package io.controlplane.scheduling;

import java.util.Map;
import java.util.Optional;

/** Which pools are dedicated to which tenant; every pool not listed is shared. */
public record PoolDirectory(Map<String, String> ownerByPool, Map<String, String> poolByTenant) {

    public PoolDirectory {
        ownerByPool = Map.copyOf(ownerByPool);
        poolByTenant = Map.copyOf(poolByTenant);
    }

    public static PoolDirectory shared() {
        return new PoolDirectory(Map.of(), Map.of());
    }

    public Optional<String> ownerOf(String pool) {
        return Optional.ofNullable(pool == null ? null : ownerByPool.get(pool));
    }

    public Optional<String> dedicatedPoolOf(String tenantId) {
        return Optional.ofNullable(poolByTenant.get(tenantId));
    }
}
