package io.controlplane.app;

import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Job;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the stop asked of a lease (pause, cancel) on its agent's record, after the job's own
 * change: the agent's heartbeats read only that record. Best effort: the job row decides, so when
 * this write is lost the agent's writes with the lease are refused all the same (a cancel), or the
 * reconcile pass revokes the lease at its stop deadline (a pause), and the record is set right by
 * the lease's next look at its job.
 */
final class LeaseStops {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseStops.class);

    private final AgentRecords agents;
    private final Duration recordReuse;

    LeaseStops(AgentRecords agents, Duration recordReuse) {
        this.agents = agents;
        this.recordReuse = recordReuse;
    }

    /** {@code leased}: the job as it was before the change, holding the lease. */
    void ask(Job leased, AgentLease.Stop stop) {
        if (leased.agentId() == null || leased.leaseId() == null) {
            return;
        }
        try {
            agents.recentIn(leased.spec().region(), leased.agentId(), recordReuse).ifPresent(agent -> agents.modify(agent,
                    a -> a.withLeaseChanged(leased.leaseId(), l -> l.withStop(stop))));
        } catch (RuntimeException e) {
            LOG.warn("event=lease_stop_unrecorded jobId={} tenant={} agentId={} stop={} error={}", leased.id(), leased.tenantId(),
                    leased.agentId(), stop.command(), e.toString());
        }
    }
}
