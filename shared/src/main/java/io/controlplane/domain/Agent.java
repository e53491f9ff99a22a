package io.controlplane.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A registered agent: where it runs (region, pool), what it can do (capabilities, slots), who
 * registered it ({@code principal}: tenant and subject of the token), and the leases it holds.
 * The leases listed here reserve its slots; the job row is the authority on who holds a job, so a
 * listed lease the job does not confirm is released by reconciliation.
 */
public record Agent(
        String id,
        String region,
        String pool,
        Set<String> capabilities,
        int slots,
        boolean draining,
        String principalTenant,
        String principalSubject,
        Instant registeredAt,
        Instant lastHeartbeatAt,
        List<AgentLease> leases,
        String etag,
        Hold heldFor) {

    /**
     * A slot promised to a waiting higher-tier job: the agent's next lease is that job (set when one
     * of its jobs is preempted for it), until {@code until}.
     */
    public record Hold(String tenantId, String jobId, Instant until) {
    }

    /**
     * The most slots an agent registers. The agent record lists a lease per busy slot in one Table
     * Storage string property, which Azure (and Azurite) caps at 64 KiB of UTF-16: 32 leases of the
     * longest tenant, job and lease ids take 37 KB, 64 would not fit (TableAgentStoreTest stores them).
     */
    public static final int MAX_SLOTS = 32;

    public Agent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(region, "region");
        capabilities = Set.copyOf(capabilities);
        leases = List.copyOf(leases);
    }

    /** An agent with no hold. */
    public Agent(String id, String region, String pool, Set<String> capabilities, int slots, boolean draining,
                 String principalTenant, String principalSubject, Instant registeredAt, Instant lastHeartbeatAt,
                 List<AgentLease> leases, String etag) {
        this(id, region, pool, capabilities, slots, draining, principalTenant, principalSubject, registeredAt,
                lastHeartbeatAt, leases, etag, null);
    }

    /** The hold, if one is set and still valid at {@code now}. */
    public Optional<Hold> hold(Instant now) {
        return heldFor == null || heldFor.until().isBefore(now) ? Optional.empty() : Optional.of(heldFor);
    }

    public Agent withHold(Hold hold) {
        return new Agent(id, region, pool, capabilities, slots, draining, principalTenant, principalSubject,
                registeredAt, lastHeartbeatAt, leases, etag, hold);
    }

    /** Never more than {@link #MAX_SLOTS} in all, even for a record stored when more could be registered. */
    public int freeSlots() {
        return Math.max(0, Math.min(slots, MAX_SLOTS) - leases.size());
    }

    /** Healthy while its last heartbeat (or registration) is more recent than {@code offlineAfter}. */
    public boolean isHealthy(Instant now, Duration offlineAfter) {
        return lastHeartbeatAt != null && !lastHeartbeatAt.plus(offlineAfter).isBefore(now);
    }

    /** Can take one more job now. */
    public boolean canTakeWork(Instant now, Duration offlineAfter) {
        return !draining && freeSlots() > 0 && isHealthy(now, offlineAfter);
    }

    public boolean hasCapabilities(List<String> required) {
        return capabilities.containsAll(required);
    }

    public boolean isOwnedBy(String tenant, String subject) {
        return Objects.equals(principalTenant, tenant) && Objects.equals(principalSubject, subject);
    }

    public Optional<AgentLease> lease(String leaseId) {
        return leases.stream().filter(l -> l.leaseId().equals(leaseId)).findFirst();
    }

    /** The lease listed once: a reservation applied again (a write retried after a lost answer) is no second slot. */
    public Agent withLease(AgentLease lease) {
        if (lease(lease.leaseId()).isPresent()) {
            return this;
        }
        List<AgentLease> more = new ArrayList<>(leases);
        more.add(lease);
        return new Agent(id, region, pool, capabilities, slots, draining, principalTenant, principalSubject,
                registeredAt, lastHeartbeatAt, more, etag, heldFor);
    }

    public Agent withoutLease(String leaseId) {
        return withLeases(leases.stream().filter(l -> !l.leaseId().equals(leaseId)).toList());
    }

    /** The lease changed by {@code change}, if the record lists it (else the record as it is). */
    public Agent withLeaseChanged(String leaseId, UnaryOperator<AgentLease> change) {
        Optional<AgentLease> listed = lease(leaseId);
        if (listed.isEmpty()) {
            return this;
        }
        AgentLease changed = change.apply(listed.get());
        if (changed.equals(listed.get())) {
            return this;
        }
        return withLeases(leases.stream().map(l -> l.leaseId().equals(leaseId) ? changed : l).toList());
    }

    public Agent withLeases(List<AgentLease> newLeases) {
        return new Agent(id, region, pool, capabilities, slots, draining, principalTenant, principalSubject,
                registeredAt, lastHeartbeatAt, newLeases, etag, heldFor);
    }

    public Agent withHeartbeat(Instant at) {
        return new Agent(id, region, pool, capabilities, slots, draining, principalTenant, principalSubject,
                registeredAt, at, leases, etag, heldFor);
    }

    public Agent withDraining(boolean value) {
        return new Agent(id, region, pool, capabilities, slots, value, principalTenant, principalSubject,
                registeredAt, lastHeartbeatAt, leases, etag, heldFor);
    }

    /** The registration fields replaced (re-registration keeps leases and the principal). */
    public Agent reregistered(String newPool, Set<String> newCapabilities, int newSlots, Instant at) {
        return new Agent(id, region, newPool, newCapabilities, newSlots, draining, principalTenant, principalSubject,
                registeredAt, at, leases, etag, heldFor);
    }

    public Agent withEtag(String newEtag) {
        return new Agent(id, region, pool, capabilities, slots, draining, principalTenant, principalSubject,
                registeredAt, lastHeartbeatAt, leases, newEtag, heldFor);
    }
}
