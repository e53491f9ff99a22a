package io.controlplane.ports;

import java.time.Instant;
import java.util.List;

/**
 * When each lease of a region is next due to be looked at, kept apart from the agents' records:
 * the reconcile pass reads the entries that are due (a bounded range, oldest first) and so finds
 * an expired lease whatever any agent record says about it. A claim adds its lease's entry before
 * the job is leased, so no lease is ever without one. Entries are hints: the job row decides, an
 * entry whose job no longer holds that lease is simply removed, and one whose lease was extended is
 * moved to the new expiry.
 */
public interface LeaseExpiries {

    /** A lease to look at from {@code at} on. */
    record Due(String region, Instant at, String tenantId, String jobId, long epoch, String leaseId) {

        /** The same lease, due at another time. */
        public Due at(Instant later) {
            return new Due(region, later, tenantId, jobId, epoch, leaseId);
        }
    }

    /** Adds (or, for the same lease and time, keeps) the entry. */
    void add(Due due);

    /** Up to {@code limit} entries of the region due at or before {@code now}, earliest first. */
    List<Due> due(String region, Instant now, int limit);

    /** Removes the entry (no error when it is gone). */
    void remove(Due due);

    /**
     * The entry due later instead: added at its new time first, so a crash in between keeps one.
     * Due at the same time: nothing to do (adding the same entry and removing it would remove it).
     */
    default void move(Due due, Instant later) {
        if (later.equals(due.at())) {
            return;
        }
        add(due.at(later));
        remove(due);
    }

    /** Removes every entry of the tenant, in every region (tenant erase). */
    void eraseTenant(String tenantId);
}
