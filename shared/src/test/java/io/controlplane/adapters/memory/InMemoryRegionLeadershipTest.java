package io.controlplane.adapters.memory;

import io.controlplane.ports.RegionLeadership;
import io.controlplane.ports.RegionLeadershipContractTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The in-memory election passes the port's contract. */
class InMemoryRegionLeadershipTest extends RegionLeadershipContractTest {
    private final Map<String, InMemoryRegionLeadership.Election> elections = new ConcurrentHashMap<>();

    @Override
    protected RegionLeadership newMember(String deployment, List<String> regions, String instanceId) {
        return elections.computeIfAbsent(deployment, d -> new InMemoryRegionLeadership.Election(regions)).member(instanceId);
    }
}
