package io.controlplane.adapters.memory;

import io.controlplane.ports.RegionLeadership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Leadership in memory: an {@link Election} shared by the control planes of a test decides who
 * leads each region. The first instance to start takes every region nobody holds; when it closes
 * (or the test hands a region over) the next started instance takes it at once.
 */
public final class InMemoryRegionLeadership implements RegionLeadership {

    /** What the instances of one test share. */
    public static final class Election {
        private final Map<String, InMemoryRegionLeadership> holders = new ConcurrentHashMap<>();
        private final List<InMemoryRegionLeadership> members = new CopyOnWriteArrayList<>();
        private final List<String> regions;

        public Election(List<String> regions) {
            this.regions = List.copyOf(regions);
        }

        public InMemoryRegionLeadership member(String instanceId) {
            return new InMemoryRegionLeadership(this, instanceId);
        }

        /** Who leads the region now (null: nobody). */
        public synchronized String holder(String region) {
            InMemoryRegionLeadership h = holders.get(region);
            return h == null ? null : h.instanceId;
        }

        /** Moves the region to {@code to} (a started member), as a lapsed lease would. */
        public void handOver(String region, InMemoryRegionLeadership to) {
            InMemoryRegionLeadership from;
            synchronized (this) {
                from = holders.put(region, to);
            }
            if (from != null && from != to) {
                from.tell(l -> l.lost(region));
            }
            to.tell(l -> l.gained(region));
            for (InMemoryRegionLeadership m : members) {
                if (m != to && m != from) {
                    m.tell(l -> l.holderChanged(region));
                }
            }
            if (from != null && from != to) {
                from.tell(l -> l.holderChanged(region));
            }
        }

        private void start(InMemoryRegionLeadership member) {
            members.add(member);
            for (String region : regions) {
                boolean took;
                synchronized (this) {
                    took = holders.putIfAbsent(region, member) == null;
                }
                if (took) {
                    member.tell(l -> l.gained(region));
                }
            }
        }

        private void leave(InMemoryRegionLeadership member) {
            members.remove(member);
            for (String region : regions) {
                boolean held;
                synchronized (this) {
                    held = holders.remove(region, member);
                }
                if (held) {
                    member.tell(l -> l.lost(region));
                    if (!members.isEmpty()) {
                        handOver(region, members.get(0));
                    }
                }
            }
        }
    }

    private final Election election;
    private final String instanceId;
    private final List<Listener> listeners = new ArrayList<>();

    private InMemoryRegionLeadership(Election election, String instanceId) {
        this.election = election;
        this.instanceId = Objects.requireNonNull(instanceId);
    }

    @Override
    public boolean leads(String region) {
        return election.holders.get(region) == this;
    }

    @Override
    public synchronized void watch(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void start() {
        election.start(this);
    }

    @Override
    public void close() {
        election.leave(this);
    }

    private void tell(java.util.function.Consumer<Listener> what) {
        List<Listener> copy;
        synchronized (this) {
            copy = List.copyOf(listeners);
        }
        copy.forEach(what);
    }
}
