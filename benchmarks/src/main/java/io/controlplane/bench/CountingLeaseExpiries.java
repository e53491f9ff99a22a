package io.controlplane.bench;

import static io.controlplane.bench.CountingStores.LEASES;

import io.controlplane.ports.LeaseExpiries;
import java.time.Instant;
import java.util.List;

/**
 * A {@link LeaseExpiries} that counts each call in a {@link PartitionTally} under the region's
 * partition of the lease-expiry index. {@link LeaseExpiries#move} is not overridden: as the
 * default, it is counted as an add and a remove.
 */
final class CountingLeaseExpiries extends CountingPort<LeaseExpiries> implements LeaseExpiries {

    CountingLeaseExpiries(LeaseExpiries d, PartitionTally t) {
        super(d, t);
    }

    @Override
    public void add(Due due) {
        t.count(LEASES, due.region(), "add", 1);
        d.add(due);
    }

    @Override
    public List<Due> due(String region, Instant now, int limit) {
        List<Due> found = d.due(region, now, limit);
        t.count(LEASES, region, "due", found.size());
        return found;
    }

    @Override
    public void remove(Due due) {
        t.count(LEASES, due.region(), "remove", 1);
        d.remove(due);
    }

    @Override
    public void eraseTenant(String tenantId) {
        t.count(LEASES, "*", "eraseTenant", 1);
        d.eraseTenant(tenantId);
    }
}
