package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.scheduling.Running;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every agent of a region as last seen on this instance ({@link Dispatcher#fleet}), kept by every
 * agent record it reads or writes, and the running jobs their leases make ({@link Dispatcher#running}).
 */
final class FleetCopies {

    /** Every agent of a region as last seen on this instance, once read whole (for preemption). */
    private final Map<String, Map<String, Agent>> fleets = new ConcurrentHashMap<>();
    private final Pools pools;

    FleetCopies(Set<String> regions, Pools pools) {
        this.pools = pools;
        regions.forEach(r -> fleets.put(r, new ConcurrentHashMap<>()));
    }

    /** An agent record read or written here. */
    void seen(Agent agent) {
        Map<String, Agent> fleet = fleets.get(agent.region());
        if (fleet != null) {
            fleet.put(agent.id(), agent);
        }
    }

    List<Agent> fleet(String region) {
        Map<String, Agent> fleet = fleets.get(region);
        return fleet == null ? List.of() : List.copyOf(fleet.values());
    }

    Running running(String region) {
        Map<String, Agent> fleet = fleets.get(region);
        if (fleet == null) {
            return Running.none();
        }
        // Per tenant and organisation only while a tenant limits its own jobs somewhere (a key made per lease).
        boolean tenantLimits = !pools.directory().limitByTenantOrganisation().isEmpty();
        return Running.of(fleet.values(), tenantLimits);
    }
}
