package io.controlplane.scheduling;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a waiting Platinum or Premium job needs room made for it, and which running job makes
 * it: pure policy over a region's view (the fleet as the dispatcher sees it, the candidates' jobs
 * as read), no I/O.
 *
 * <ul>
 *   <li>Room is needed when the job has waited {@code preemptAfter}, no healthy agent with a free
 *       slot may take it (it will be placed without preempting anyone), no agent is held for it
 *       already, and no organisation it touches runs its limit (a freed slot would not run it).</li>
 *   <li>Candidates: the leases of healthy, non-draining agents not held for another job that
 *       would admit the waiting job were a slot free.</li>
 *   <li>Victim: a job still holding its lease, Running or Assigned, of a lower tier (Platinum may
 *       preempt Premium and Standard, Premium only Standard), preemptible, preempted fewer than
 *       {@code preemptionLimit} times; the lowest tier first, then the least work lost since its
 *       last checkpoint (or since it was leased).</li>
 * </ul>
 */
public final class PreemptionPolicy {

    /** A running lease that may be asked to make room: its agent, its lease, its job as read. */
    public record Candidate(Agent agent, AgentLease lease, Job job) {
    }

    private final DispatchPolicy policy;
    private final Duration offlineAfter;
    private final Duration preemptAfter;
    private final int preemptionLimit;

    public PreemptionPolicy(DispatchPolicy policy, Duration offlineAfter, Duration preemptAfter, int preemptionLimit) {
        this.policy = policy;
        this.offlineAfter = offlineAfter;
        this.preemptAfter = preemptAfter;
        this.preemptionLimit = preemptionLimit;
    }

    /** Whether room must be made for {@code waiting} (a Platinum or Premium entry) in this fleet now. */
    public boolean needsRoom(ReadyEntry waiting, List<Agent> fleet, PoolDirectory pools, Running running, Instant now) {
        Instant since = waiting.insertedAt() == null ? waiting.enqueuedAt() : waiting.insertedAt();
        if (since.plus(preemptAfter).isAfter(now)) {
            return false;
        }
        boolean placeable = fleet.stream().anyMatch(a -> a.canTakeWork(now, offlineAfter) && a.hold(now).isEmpty()
                && policy.admits(a, waiting, pools, now));
        boolean held = fleet.stream().anyMatch(a -> a.hold(now).filter(h -> h.jobId().equals(waiting.jobId())).isPresent());
        return !placeable && !held && OrganisationGate.held(waiting, pools, running, Map.of(), Map.of(), now).isEmpty();
    }

    /** The agents whose leases are candidates for {@code waiting}. */
    public List<Agent> candidateAgents(ReadyEntry waiting, List<Agent> fleet, PoolDirectory pools, Instant now) {
        return fleet.stream().filter(a -> !a.draining() && a.isHealthy(now, offlineAfter) && a.hold(now).isEmpty()
                && policy.admits(a, waiting, pools, now)).toList();
    }

    /** The victim for {@code waiting} among the candidates, if any qualifies. */
    public Optional<Candidate> victim(ReadyEntry waiting, List<Candidate> candidates, Instant now) {
        return candidates.stream()
                .filter(c -> c.job().holdsLease(c.lease().leaseId()))
                .filter(c -> c.job().state() == JobState.Running || c.job().state() == JobState.Assigned)
                .filter(c -> c.job().spec().tier().rank() < waiting.tier().rank())
                .filter(c -> c.job().spec().policy().preemptible() && c.job().preemptions() < preemptionLimit)
                .min(Comparator.<Candidate>comparingInt(c -> c.job().spec().tier().rank())
                        .thenComparing(c -> workAtRisk(c.job(), now)));
    }

    /** Time since the job's last checkpoint (or since it was leased): the work a stop would lose. */
    static Duration workAtRisk(Job job, Instant now) {
        Instant since = job.lastCheckpointAt() != null ? job.lastCheckpointAt() : job.updatedAt();
        return Duration.between(since, now);
    }
}
