package io.controlplane.adapters.memory;

import io.controlplane.ports.LeaseExpiries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** The lease-expiry index in memory, for unit tests: same contract as the Table Storage adapter. */
public final class InMemoryLeaseExpiries implements LeaseExpiries {

    private static final Comparator<Due> ORDER = Comparator.comparing(Due::region)
            .thenComparing(Due::at, Comparator.naturalOrder()).thenComparing(Due::tenantId, Comparator.naturalOrder())
            .thenComparing(Due::jobId, Comparator.naturalOrder()).thenComparingLong(Due::epoch);

    private final TreeSet<Due> entries = new TreeSet<>(ORDER);

    @Override
    public synchronized void add(Due due) {
        entries.remove(due);
        entries.add(due);
    }

    @Override
    public synchronized List<Due> due(String region, Instant now, int limit) {
        List<Due> due = new ArrayList<>();
        for (Due e : entries) {
            if (e.region().equals(region) && !e.at().isAfter(now) && due.size() < limit) {
                due.add(e);
            }
        }
        return due;
    }

    @Override
    public synchronized void remove(Due due) {
        entries.remove(due);
    }

    @Override
    public synchronized void eraseTenant(String tenantId) {
        entries.removeIf(e -> e.tenantId().equals(tenantId));
    }

    /** Everything stored, for tests. */
    public synchronized List<Due> contents() {
        return List.copyOf(entries);
    }
}
