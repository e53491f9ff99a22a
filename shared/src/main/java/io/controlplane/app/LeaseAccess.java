package io.controlplane.app;

import io.controlplane.domain.Job;
import io.controlplane.domain.LeaseIds;
import io.controlplane.domain.LeaseLostException;
import io.controlplane.ports.JobStore;
import io.controlplane.telemetry.Telemetry;
import java.time.Clock;

/**
 * The fence in front of every lease route: the lease must be the one the job holds now (same id,
 * so same epoch), not expired, and the caller must be the identity of the agent holding it.
 * Anything else is "lease lost" and nothing is changed; the answer is the same whether the lease
 * was superseded, expired, forged or another agent's, so leases cannot be probed.
 */
public final class LeaseAccess {

    private final JobStore jobs;
    private final AgentRecords agents;
    private final Telemetry telemetry;
    private final Clock clock;

    public LeaseAccess(JobStore jobs, AgentRecords agents, Telemetry telemetry, Clock clock) {
        this.jobs = jobs;
        this.agents = agents;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    /** The job the caller's lease holds. */
    public Job check(Caller caller, String leaseId) {
        LeaseIds.Target target = LeaseIds.parse(leaseId).orElseThrow(LeaseAccess::lost);
        Job job = jobs.find(target.tenantId(), target.jobId()).orElseThrow(LeaseAccess::lost);
        if (!job.holdsLease(leaseId) || job.leaseExpiresAt() == null || job.leaseExpiresAt().isBefore(clock.instant())) {
            throw lost();
        }
        if (!agents.isPrincipalOf(caller, job.agentId(), leaseId)) {
            throw lost();
        }
        // Every lease route passes here: its request span names the job it acts on.
        telemetry.describe(job);
        return job;
    }

    /** The job as the lease check saw it, and what the write returned. */
    public record Applied<T>(Job checked, T result) {
    }

    /**
     * Checks the lease, then writes with {@code write} (conditional on the version checked). When a
     * heartbeat or progress report changed the job in between (ETag conflict), checks the lease
     * again and re-applies, a bounded number of times.
     */
    public <T> Applied<T> apply(Caller caller, String leaseId, java.util.function.Function<Job, T> write) {
        for (int attempt = 1; ; attempt++) {
            Job job = check(caller, leaseId);
            try {
                return new Applied<>(job, write.apply(job));
            } catch (io.controlplane.domain.ConcurrencyConflictException raced) {
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
