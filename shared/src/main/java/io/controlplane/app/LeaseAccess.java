package io.controlplane.app;

import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.LeaseIds;
import io.controlplane.domain.LeaseLostException;
import io.controlplane.ports.JobStore;
import io.controlplane.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;

/**
 * The fence in front of every lease route: the lease must be the one the job holds now (same id,
 * so same epoch), not expired, and the caller must be the identity of the agent holding it.
 * Anything else is "lease lost" and nothing is changed; the answer is the same whether the lease
 * was superseded, expired, forged or another agent's, so leases cannot be probed.
 */
final class LeaseAccess {

    private final JobStore jobs;
    private final AgentRecords agents;
    private final Telemetry telemetry;
    private final Clock clock;
    /**
     * Each lease's job as this instance last read or wrote it, for the checks in front of a
     * conditional write of the job row ({@link #checkForWrite}): a copy gone stale (another
     * instance or a heartbeat changed the row) makes that write fail, and the retry reads afresh.
     * Bounded, least recently used dropped first.
     */
    private final Map<String, Job> recent = AgentRecords.leastRecentlyUsed(MAX_REMEMBERED_JOBS);
    static final int MAX_REMEMBERED_JOBS = 10_000;

    private final Duration recordReuse;

    /** @param recordReuse how old a copy of an agent's record may be to show a lease extended */
    public LeaseAccess(JobStore jobs, AgentRecords agents, Telemetry telemetry, Clock clock, Duration recordReuse) {
        this.recordReuse = recordReuse;
        this.jobs = jobs;
        this.agents = agents;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** The job the caller's lease holds, as stored now. */
    public Job check(Caller caller, String leaseId) {
        LeaseIds.Target target = LeaseIds.parse(leaseId).orElseThrow(LeaseAccess::lost);
        Job job = jobs.find(target.tenantId(), target.jobId()).orElseThrow(LeaseAccess::lost);
        return checked(caller, leaseId, job);
    }

    /**
     * The job the caller's lease holds, from this instance's copy when it has one: only for a write
     * of the job row conditional on the copy's ETag (so a stale copy fails the write, and the caller
     * checks again with {@link #check}). A revoked, expired or foreign lease is refused either way.
     */
    public Job checkForWrite(Caller caller, String leaseId) {
        Job copy = recent.get(leaseId);
        return copy != null && copy.etag() != null ? checked(caller, leaseId, copy) : check(caller, leaseId);
    }

    /** The lease's job as this instance last read or wrote it, or null. */
    Job known(String leaseId) {
        Job copy = recent.get(leaseId);
        return copy != null && copy.etag() != null ? copy : null;
    }

    /** The job as just written (or read) here, for the next {@link #checkForWrite} of its lease. */
    public void remember(Job job) {
        if (job != null && job.leaseId() != null && job.etag() != null) {
            recent.put(job.leaseId(), job);
        }
    }

    /** The lease ended (or its copy went stale): the next check reads. */
    public void forget(String leaseId) {
        recent.remove(leaseId);
    }

    private Job checked(Caller caller, String leaseId, Job job) {
        if (!holds(job, leaseId, clock.instant())) {
            throw lost();
        }
        if (!agents.isPrincipalOf(caller, job.agentId(), leaseId)) {
            throw lost();
        }
        // Every lease route passes here: its request span names the job it acts on.
        telemetry.describe(job);
        return job;
    }

    /**
     * Whether the job holds the lease at {@code now}: the job row names it, and it has not
     * expired. The row keeps the claim's expiry; the agent's heartbeats extend the lease on the
     * agent's record, which is read (or this instance's copy of it looked at) once the row's
     * expiry has passed.
     */
    public boolean holds(Job job, String leaseId, Instant now) {
        if (!job.holdsLease(leaseId) || job.leaseExpiresAt() == null) {
            return false;
        }
        if (!job.leaseExpiresAt().isBefore(now)) {
            return true;
        }
        Instant expiry = job.leaseExpiry(agents.leaseOnRecord(job.spec().region(), job.agentId(), leaseId, now,
                recordReuse).orElse(null));
        return !expiry.isBefore(now);
    }

    /** The job as the lease check saw it, and what the write returned. */
    public record Applied<T>(Job checked, T result) {
    }

    /**
     * Checks the lease, then writes with {@code write} (conditional on the version checked). When a
     * heartbeat or progress report changed the job in between (ETag conflict), checks the lease
     * again and re-applies, a bounded number of times.
     */
    public <T> Applied<T> apply(Caller caller, String leaseId, Function<Job, T> write) {
        for (int attempt = 1; ; attempt++) {
            Job job = attempt == 1 ? checkForWrite(caller, leaseId) : check(caller, leaseId);
            try {
                // A write that returns the job leaves its new version here; another remembers it itself.
                Applied<T> applied = new Applied<>(job, write.apply(job));
                if (applied.result() instanceof Job stored) {
                    if (stored.holdsLease(leaseId)) {
                        remember(stored);
                    } else {
                        forget(leaseId);
                    }
                }
                return applied;
            } catch (ConcurrencyConflictException raced) {
                forget(leaseId);
                if (attempt >= AgentRecords.MAX_ATTEMPTS) {
                    throw raced;
                }
            }
        }
    }

    static LeaseLostException lost() {
        return new LeaseLostException("This lease was revoked, expired or superseded (or is not yours); "
                + "stop work on it. Nothing was changed.");
    }
}
