package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Job;
import io.controlplane.ports.LeaseExpiries;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease ended on this instance (completed, failed, released): its slot is freed on the agent's
 * record (this instance's copy, written conditionally), the dispatcher hears of the free slot, and
 * the lease's expiry entry is removed where its claim put it, so the reconcile pass does not meet
 * it later (an entry the pass had moved is found and removed by the pass, as before).
 */
final class SlotRelease {

    private static final Logger LOG = LoggerFactory.getLogger(SlotRelease.class);

    private final AgentRecords agents;
    private final LeaseExpiries expiries;
    private final ReadySignal signal;
    private final DispatchSettings settings;

    SlotRelease(AgentRecords agents, LeaseExpiries expiries, ReadySignal signal, DispatchSettings settings) {
        this.agents = agents;
        this.expiries = expiries;
        this.signal = signal;
        this.settings = settings;
    }

    /** {@code job}: the job as the lease check saw it (it names the agent). */
    void free(Job job, String leaseId) {
        agents.recentIn(job.spec().region(), job.agentId(), settings.agentRecordReuse()).ifPresent(agent -> {
            // The entry goes beside the slot's write, so the freed slot reaches the dispatcher one
            // round trip sooner; the caller is answered once both are done.
            CompletableFuture<Void> forgotten = agent.lease(leaseId)
                    .map(lease -> CompletableFuture.runAsync(() -> forgetExpiry(agent.region(), lease), BESIDE))
                    .orElse(CompletableFuture.completedFuture(null));
            try {
                signal.agentChanged(agents.modify(agent, a -> a.lease(leaseId).isPresent() ? a.withoutLease(leaseId) : a));
            } finally {
                forgotten.join(); // never fails: a failed removal is logged
            }
        });
    }

    /** Where the expiry entries' removals go (a thread while one is free, else the caller's). */
    private static final Executor BESIDE = SideBySide.executor("slot-release", 8);

    private void forgetExpiry(String region, AgentLease lease) {
        try {
            expiries.remove(new LeaseExpiries.Due(region, lease.reservedAt().plus(settings.leaseDuration()), lease.tenantId(),
                    lease.jobId(), lease.epoch(), lease.leaseId()));
        } catch (RuntimeException e) {
            // Only a hint: the reconcile pass removes an entry whose job no longer holds the lease.
            LOG.warn("event=lease_expiry_forget_failed jobId={} tenant={} error={}", lease.jobId(), lease.tenantId(), e.toString());
        }
    }
}
