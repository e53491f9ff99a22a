package io.controlplane.api;

import io.controlplane.app.AgentAdmin;
import io.controlplane.app.LeaseGrant;
import io.controlplane.domain.Agent;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.Organisations;
import java.time.Instant;
import java.util.List;

/** JSON shapes of agents and leases. */
final class AgentViews {

    private AgentViews() {
    }

    record LeaseSummary(String leaseId, String jobId, long epoch, Instant expiresAt) {
    }

    record AgentView(String id, String region, String pool, List<String> capabilities, int slots, int freeSlots,
                     boolean draining, Boolean healthy, Instant registeredAt, Instant lastHeartbeatAt,
                     List<LeaseSummary> leases) {
    }

    static AgentView of(Agent a, Boolean healthy) {
        return new AgentView(a.id(), a.region(), a.pool(), a.capabilities().stream().sorted().toList(), a.slots(),
                a.freeSlots(), a.draining(), healthy, a.registeredAt(), a.lastHeartbeatAt(),
                a.leases().stream().map(l -> new LeaseSummary(l.leaseId(), l.jobId(), l.epoch(), l.expiresAt())).toList());
    }

    static AgentView of(AgentAdmin.AgentStatus status) {
        return of(status.agent(), status.healthy());
    }

    /** @param organisations the organisation keys the job touches: what a throttle report names */
    record LeaseView(String leaseId, String jobId, String tenantId, long epoch, Instant expiresAt, JobSpec spec,
                     List<String> organisations, List<JobRoutes.CheckpointView> checkpoints, boolean resumed, int attempt, JobView.ProgressView progress,
                     long heartbeatIntervalSeconds) {
    }

    static LeaseView of(LeaseGrant g, long heartbeatIntervalSeconds) {
        var p = g.job().progress();
        return new LeaseView(g.leaseId(), g.job().id(), g.job().tenantId(), g.epoch(), g.expiresAt(), g.job().spec(),
                Organisations.of(g.job().spec()), g.checkpoints().stream().map(JobRoutes.CheckpointView::of).toList(), g.resumed(), g.job().attempt(),
                new JobView.ProgressView(p.percent(), p.counters(), p.message(), p.updatedAt()), heartbeatIntervalSeconds);
    }

    record JobOutcome(String jobId, String state, int failures) {
    }
}
