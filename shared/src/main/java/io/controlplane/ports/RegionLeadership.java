package io.controlplane.ports;

/**
 * Which instance runs a region's dispatcher. The standalone host elects a leader per region with a
 * blob lease (container {@code dispatch-leaders}, a blob per region); any instance takes over when
 * the lease lapses. Leading is an optimisation of cost, not a condition of safety: claims are
 * conditional writes, so two instances that both believe they lead (for a moment) never lease a
 * job twice.
 */
public interface RegionLeadership extends AutoCloseable {

    /** Whether this instance leads the region's dispatch now. No I/O: the lease is kept in the background. */
    boolean leads(String region);

    /**
     * True when no instance leads by itself and a region's dispatcher runs on the events delivered
     * to it ({@link #byEvents}); false for a leader elected here.
     */
    default boolean eventsLead() {
        return false;
    }

    /** Tells {@code listener} of changes from now on (called once, before {@link #start}). */
    void watch(Listener listener);

    /** Begins taking and renewing leases. */
    default void start() {
    }

    /** Gives up every region this instance leads (a stop), so another instance takes over at once. */
    @Override
    default void close() {
    }

    /** Changes in who leads a region, as this instance sees them. */
    interface Listener {
        /** This instance leads the region from now on. */
        void gained(String region);

        /** This instance no longer leads the region (its lease was lost or given up). */
        void lost(String region);

        /** Another instance took the region (polls waiting here ask again, there). */
        default void holderChanged(String region) {
        }
    }

    /** This instance leads every region, always (a single host, tests). */
    static RegionLeadership solo() {
        return new RegionLeadership() {
            @Override
            public boolean leads(String region) {
                return true;
            }

            @Override
            public void watch(Listener listener) {
            }
        };
    }

    /**
     * No instance leads by lease: a region's dispatcher runs only on the events the bus delivers to
     * it (in Azure, the session-triggered function, which handles a region's events one at a time).
     */
    static RegionLeadership byEvents() {
        return new RegionLeadership() {
            @Override
            public boolean leads(String region) {
                return false;
            }

            @Override
            public boolean eventsLead() {
                return true;
            }

            @Override
            public void watch(Listener listener) {
            }
        };
    }
}
