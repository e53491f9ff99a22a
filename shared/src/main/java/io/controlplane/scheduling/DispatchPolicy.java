package io.controlplane.scheduling;

import io.controlplane.domain.Agent;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Which waiting job an agent should take: pure policy, no I/O.
 *
 * <ul>
 *   <li>Order: effective tier, then submission time, then id. A job's effective tier rises one
 *       step for every {@code agingStep} it has waited (capped at Platinum), so lower tiers are
 *       never starved forever.</li>
 *   <li>Admission: the agent's capabilities cover the job's; a dedicated pool takes only its
 *       tenant's jobs; a tenant with a dedicated pool uses it first: shared agents leave its jobs
 *       alone for {@code dedicatedPoolPreference}; a job held back for retry waits its turn; a job with
 *       {@code env:} references runs only in the pools its tenant's entitlement names for them.</li>
 * </ul>
 */
public final class DispatchPolicy {

    private final Duration agingStep;
    private final Duration dedicatedPoolPreference;

    public DispatchPolicy(Duration agingStep, Duration dedicatedPoolPreference) {
        if (agingStep.isZero() || agingStep.isNegative()) {
            throw new IllegalArgumentException("agingStep must be positive");
        }
        this.agingStep = agingStep;
        this.dedicatedPoolPreference = Objects.requireNonNull(dedicatedPoolPreference);
    }

    /** The tier rank a job competes with after waiting since {@code enqueuedAt}. */
    public int effectiveRank(ReadyEntry entry, Instant now) {
        long waited = Math.max(0, Duration.between(entry.enqueuedAt(), now).toMillis());
        long steps = waited / agingStep.toMillis();
        return (int) Math.min(Tier.Platinum.rank(), entry.tier().rank() + steps);
    }

    /** Candidates best first. */
    public List<ReadyEntry> order(List<ReadyEntry> candidates, Instant now) {
        // Each entry's rank once, not once per comparison: a deep ready set is ordered on every
        // match (a submission's, a dispatch run's).
        record Ranked(ReadyEntry entry, int rank) {
        }
        return candidates.stream()
                .map(e -> new Ranked(e, effectiveRank(e, now)))
                .sorted(Comparator.<Ranked>comparingInt(r -> -r.rank())
                        .thenComparing(r -> r.entry().enqueuedAt())
                        .thenComparing(r -> r.entry().jobId()))
                .map(Ranked::entry)
                .toList();
    }

    /** Whether {@code agent} may take {@code entry} now (agent health and slots are checked apart). */
    public boolean admits(Agent agent, ReadyEntry entry, PoolDirectory pools, Instant now) {
        if (!agent.region().equals(entry.region()) || !agent.hasCapabilities(entry.requiredCapabilities())
                || entry.isHeldBack(now) || entry.envCredentials() && !pools.mayResolveEnv(entry.tenantId(), agent.pool())) {
            return false;
        }
        var owner = pools.ownerOf(agent.pool());
        if (owner.isPresent()) {
            return owner.get().equals(entry.tenantId());
        }
        boolean tenantHasOwnPool = pools.dedicatedPoolOf(entry.tenantId()).isPresent();
        return !tenantHasOwnPool || !entry.enqueuedAt().plus(dedicatedPoolPreference).isAfter(now);
    }
}
