package io.controlplane.app;

import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.IdempotencyKey;
import io.controlplane.domain.InvalidStateException;
import io.controlplane.domain.Job;
import io.controlplane.domain.Page;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.TenantOrganisationLimit;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.TenantStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's data as a whole, for GDPR/CCPA requests: everything stored for it, exported as one
 * document, and erased from every table: jobs with their history, checkpoints and
 * Idempotency-Keys, ID mappings of every scope, ready entries, the agents its identities
 * registered, its entitlement, its own organisation limits, and its leases and slot holds on other
 * identities' agents.
 *
 * <p>Caches of other instances: the entitlement is cached for at most {@link Pools#TTL} (another
 * instance may admit a submission of the erased tenant, as entitled before, within that time; it is
 * erased with the rest by a second erase, which is idempotent); a remembered agent principal is
 * kept per lease, and the erased tenant's leases end with its jobs, so it is never consulted again.
 */
public final class TenantData {

    private static final Logger LOG = LoggerFactory.getLogger(TenantData.class);
    private static final int PAGE = 500;

    /** A job with everything stored beside it. */
    public record JobRecord(Job job, List<HistoryEntry> history, List<Checkpoint> checkpoints) {
    }

    /** ID mappings of one scope. */
    public record ScopeMappings(String scope, List<IdMapping> items) {
    }

    /** Everything stored for a tenant. */
    public record Export(String tenantId, Instant exportedAt, TenantEntitlement entitlement, List<JobRecord> jobs,
                         List<IdempotencyKey> idempotencyKeys, List<ScopeMappings> mappings, List<Agent> agents,
                         List<TenantOrganisationLimit> organisationLimits) {
    }

    private final JobStore jobs;
    private final MappingStore mappings;
    private final ReadyQueue ready;
    private final TenantStore tenants;
    private final AgentRecords agents;
    private final Pools pools;
    private final Clock clock;
    private final LeaseExpiries expiries;

    public TenantData(JobStore jobs, MappingStore mappings, ReadyQueue ready, TenantStore tenants, AgentRecords agents,
                      Pools pools, Clock clock, LeaseExpiries expiries) {
        this.expiries = expiries;
        this.jobs = jobs;
        this.mappings = mappings;
        this.ready = ready;
        this.tenants = tenants;
        this.agents = agents;
        this.pools = pools;
        this.clock = clock;
    }

    public Export export(String tenantId) {
        List<JobRecord> records = new ArrayList<>();
        Set<String> scopes = new TreeSet<>();
        for (Job job : allJobs(tenantId)) {
            records.add(new JobRecord(job, jobs.history(tenantId, job.id()), jobs.checkpoints(tenantId, job.id())));
            scopes.add(job.mappingScope());
        }
        List<ScopeMappings> mapped = new ArrayList<>();
        for (String scope : scopes) {
            List<IdMapping> items = new ArrayList<>();
            String token = null;
            do {
                Page<IdMapping> page = mappings.list(tenantId, scope, null, MappingStore.MAX_ITEMS_PER_CALL, token);
                items.addAll(page.items());
                token = page.continuationToken();
            } while (token != null);
            if (!items.isEmpty()) {
                mapped.add(new ScopeMappings(scope, items));
            }
        }
        return new Export(tenantId, clock.instant(), tenants.find(tenantId).orElse(null), records,
                jobs.idempotencyKeys(tenantId), mapped, registeredBy(tenantId), tenants.tenantLimits(tenantId));
    }

    /**
     * Erases everything stored for the tenant. Its running jobs stop being its agents' work at once
     * (their next write is refused as lease-lost). Refused, with nothing erased, while an agent its
     * identities registered holds a lease on another tenant's job: that agent is drained first.
     *
     * @param by who asked, for the log line (a role such as {@code operator}; never a token's {@code sub},
     *     which is personal data)
     * @throws InvalidStateException when such an agent exists
     */
    public void erase(String tenantId, String by) {
        List<Agent> own = registeredBy(tenantId);
        for (Agent agent : own) {
            List<String> others = agent.leases().stream().filter(l -> !l.tenantId().equals(tenantId)).map(AgentLease::jobId).toList();
            if (!others.isEmpty()) {
                throw new InvalidStateException("Agent " + agent.id() + ", registered by tenant " + tenantId + ", holds leases of "
                        + others.size() + " job(s) of other tenants; drain it (POST /api/admin/agents/" + agent.id()
                        + "/drain) and erase the tenant when those leases end. Nothing was erased.");
            }
        }
        mappings.eraseTenant(tenantId);
        int erased = 0;
        for (Job job : allJobs(tenantId)) {
            ready.remove(ReadyEntry.of(job, null, clock.instant()));
            erased++;
        }
        jobs.eraseTenant(tenantId);
        expiries.eraseTenant(tenantId);
        int released = releaseFromOtherAgents(tenantId);
        agents.forgetPrincipals();
        for (Agent agent : own) {
            deleteAgent(agent);
        }
        tenants.tenantLimits(tenantId).forEach(l -> tenants.deleteTenantLimit(tenantId, l.key()));
        tenants.delete(tenantId);
        pools.invalidate();
        LOG.info("event=tenant_erased tenant={} by={} jobs={} agents={} leasesReleased={}", tenantId, by, erased, own.size(),
                released);
    }

    /**
     * Takes the tenant's leases (and slot holds) off the agents other identities registered (the
     * operator's shared agents): they name the tenant, and would keep its slots busy until the
     * reconcile pass found the jobs gone. Their next call with such a lease answers lease-lost.
     */
    private int releaseFromOtherAgents(String tenantId) {
        int released = 0;
        for (String region : agents.regions().stream().sorted().toList()) {
            for (Agent agent : agents.store().list(region)) {
                if (tenantId.equals(agent.principalTenant()) || !namesTenant(agent, tenantId)) {
                    continue;
                }
                released += (int) agent.leases().stream().filter(l -> l.tenantId().equals(tenantId)).count();
                agents.modify(agent, current -> {
                    if (!namesTenant(current, tenantId)) {
                        return current;
                    }
                    Agent cleared = current.withLeases(current.leases().stream().filter(l -> !l.tenantId().equals(tenantId)).toList());
                    return current.heldFor() != null && tenantId.equals(current.heldFor().tenantId()) ? cleared.withHold(null) : cleared;
                });
            }
        }
        return released;
    }

    private static boolean namesTenant(Agent agent, String tenantId) {
        return agent.leases().stream().anyMatch(l -> l.tenantId().equals(tenantId))
                || agent.heldFor() != null && tenantId.equals(agent.heldFor().tenantId());
    }

    /** Deletes the agent, reading it again while heartbeats keep changing it. */
    private void deleteAgent(Agent agent) {
        Agent current = agent;
        for (int attempt = 1; ; attempt++) {
            try {
                agents.store().delete(current);
                return;
            } catch (ConcurrencyConflictException changed) {
                Optional<Agent> again = agents.store().find(agent.region(), agent.id());
                if (again.isEmpty() || attempt == 10) {
                    if (again.isEmpty()) {
                        return;
                    }
                    throw changed;
                }
                current = again.get();
                if (current.leases().stream().anyMatch(l -> !l.tenantId().equals(agent.principalTenant()))) {
                    throw new InvalidStateException("Agent " + agent.id() + " took a lease of another tenant's job during the"
                            + " erase; drain it and erase the tenant again (the rest of its data is erased).");
                }
            }
        }
    }

    private List<Job> allJobs(String tenantId) {
        List<Job> all = new ArrayList<>();
        String token = null;
        do {
            Page<Job> page = jobs.list(tenantId, JobFilter.none(), PAGE, token);
            all.addAll(page.items());
            token = page.continuationToken();
        } while (token != null);
        return all;
    }

    private List<Agent> registeredBy(String tenantId) {
        List<Agent> own = new ArrayList<>();
        for (String region : agents.regions().stream().sorted().toList()) {
            agents.store().list(region).stream().filter(a -> tenantId.equals(a.principalTenant())).forEach(own::add);
        }
        return own;
    }
}
