package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentNotFoundException;
import io.controlplane.domain.OrganisationLimit;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.TenantStore;
import io.controlplane.scheduling.QueueDepthSeries;
import io.controlplane.telemetry.Telemetry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Operator views and actions: agents with health and leases, drain, queue depths, entitlements. */
public final class AgentAdmin {

    /** An agent as operators see it. */
    public record AgentStatus(Agent agent, boolean healthy) {
    }

    private final AgentRecords agents;
    private final ReadyQueue ready;
    private final TenantStore tenants;
    private final Pools pools;
    private final Duration offlineAfter;
    private final Telemetry telemetry;
    private final Clock clock;

    public AgentAdmin(AgentRecords agents, ReadyQueue ready, TenantStore tenants, Pools pools, Duration offlineAfter,
                      Telemetry telemetry, Clock clock) {
        this.telemetry = telemetry;
        this.agents = agents;
        this.ready = ready;
        this.tenants = tenants;
        this.pools = pools;
        this.offlineAfter = offlineAfter;
        this.clock = clock;
    }

    public List<AgentStatus> agents() {
        List<AgentStatus> all = new ArrayList<>();
        for (String region : agents.regions().stream().sorted().toList()) {
            for (Agent agent : agents.store().list(region)) {
                all.add(new AgentStatus(agent, agent.isHealthy(clock.instant(), offlineAfter)));
            }
        }
        return all;
    }

    /** No new leases for the agent; its running jobs finish. */
    public AgentStatus drain(String agentId) {
        Agent agent = agents.find(agentId).orElseThrow(() -> new AgentNotFoundException(agentId));
        Agent drained = agents.modify(agent, a -> a.draining() ? a : a.withDraining(true));
        return new AgentStatus(drained, drained.isHealthy(clock.instant(), offlineAfter));
    }

    /** Depth and oldest age per region and tier. */
    public Map<String, Map<Tier, ReadyQueue.Depth>> queues() {
        Map<String, Map<Tier, ReadyQueue.Depth>> all = new LinkedHashMap<>();
        for (String region : agents.regions().stream().sorted().toList()) {
            Map<Tier, ReadyQueue.Depth> depths = ready.depths(region);
            telemetry.metrics().queueDepths(region, depths); // read anyway: fresher gauges for free
            all.put(region, depths);
        }
        return all;
    }

    /**
     * A queue's depth over the last hour, one sample a minute at most, from the depths this instance
     * read ({@link #queues} and, while telemetry is on, the reconcile passes); oldest first.
     */
    public List<QueueDepthSeries.Sample> queueSeries(String region, Tier tier) {
        return telemetry.metrics().queueSeries(region, tier);
    }

    public TenantEntitlement entitle(TenantEntitlement entitlement) {
        TenantEntitlement stored = tenants.put(entitlement);
        pools.invalidate();
        return stored;
    }

    public Optional<TenantEntitlement> entitlement(String tenantId) {
        return tenants.find(tenantId);
    }

    /** Sets an organisation's limit on concurrent jobs (every instance's dispatcher keeps it within the entitlement cache's TTL). */
    public OrganisationLimit limit(OrganisationLimit limit) {
        OrganisationLimit stored = tenants.putOrganisation(limit);
        pools.invalidate();
        return stored;
    }

    /** Every organisation's limit, by key. */
    public List<OrganisationLimit> organisationLimits() {
        return tenants.organisations().stream().sorted(Comparator.comparing(OrganisationLimit::key))
                .toList();
    }

    /** Lifts an organisation's limit; false when it had none. */
    public boolean unlimit(String key) {
        boolean had = tenants.deleteOrganisation(key);
        pools.invalidate();
        return had;
    }

    /** The organisations whose throttle is not over, by key, as this instance holds them (within {@link Pools#TTL}). */
    public List<OrganisationThrottle> throttled() {
        Instant now = clock.instant();
        return pools.directory().throttleByOrganisation().values().stream().filter(t -> !t.overAt(now))
                .sorted(Comparator.comparing(OrganisationThrottle::key)).toList();
    }

    /** The head of a region's queue, in stored order (diagnostics). */
    public List<ReadyEntry> head(String region, int perTier) {
        return ready.heads(region, perTier);
    }
}
