package io.controlplane.bench;

import io.controlplane.app.UseCases;
import io.controlplane.domain.Agent;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.IdempotencyKey;
import io.controlplane.domain.Job;
import io.controlplane.domain.OrganisationLimit;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.Page;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.TenantOrganisationLimit;
import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentStore;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.MappingStore;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.ports.TenantStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Decorators of every port that count each call in a {@link PartitionTally}, by the partition the
 * Table Storage adapter would send it to: jobs by tenant, agents / ready / leases by region,
 * mappings by tenant and scope, tenants in one partition. Entities touched: a point read or write
 * 1, a query what it returned, a batch its rows. A job's batch is counted as the table adapter
 * writes it: the job row, its history entries and checkpoints, the tenant's unfinished-job marker
 * (created with the job, deleted when it finishes) and, for a tenant with a quota, the guard row
 * and the marker count read before it ({@code SubmissionGuard}). A mapping is two rows (both
 * directions). Cross-partition scans (tenant erase, retention) are counted under partition "*".
 */
final class CountingStores {

    static final String JOBS = "jobs";
    static final String AGENTS = "agents";
    static final String READY = "ready";
    static final String LEASES = "leases";
    static final String MAPPINGS = "mappings";
    static final String TENANTS = "tenants";

    private CountingStores() {
    }

    /** What every decorator holds: the port it decorates and the tally. */
    private abstract static class Counting<P> {
        final P d;
        final PartitionTally t;

        Counting(P d, PartitionTally t) {
            this.d = d;
            this.t = t;
        }
    }

    static UseCases.Stores wrap(UseCases.Stores s, PartitionTally tally) {
        return new UseCases.Stores(new Jobs(s.jobs(), tally), new Agents(s.agents(), tally), new Ready(s.ready(), tally),
                new Tenants(s.tenants(), tally), new Mappings(s.mappings(), tally), new Leases(s.leases(), tally));
    }

    private static final class Jobs extends Counting<JobStore> implements JobStore {
        /** Unfinished jobs per tenant: the markers a quota check reads. */
        private final Map<String, AtomicInteger> unfinished = new ConcurrentHashMap<>();

        Jobs(JobStore d, PartitionTally t) {
            super(d, t);
        }

        private AtomicInteger unfinished(String tenantId) {
            return unfinished.computeIfAbsent(tenantId, k -> new AtomicInteger());
        }

        @Override
        public Job create(Job job, List<HistoryEntry> created, IdempotencyKey key, int maxActiveJobs) {
            if (maxActiveJobs != UNLIMITED) {
                // the guard row and the markers, read before the conditional commit
                t.count(JOBS, job.tenantId(), "create.quotaCount", 1 + Math.min(unfinished(job.tenantId()).get(), maxActiveJobs));
            }
            Job stored = d.create(job, created, key, maxActiveJobs);
            boolean open = !job.state().isTerminal();
            t.count(JOBS, job.tenantId(), "create", 1 + created.size() + (key != null ? 1 : 0) + (open ? 1 : 0)
                    + (maxActiveJobs != UNLIMITED ? 1 : 0));
            if (open) {
                unfinished(job.tenantId()).incrementAndGet();
            }
            return stored;
        }

        @Override
        public int unfinishedJobs(String tenantId, int atMost) {
            t.count(JOBS, tenantId, "unfinishedJobs", 1 + Math.min(unfinished(tenantId).get(), atMost));
            return d.unfinishedJobs(tenantId, atMost);
        }

        @Override
        public Optional<IdempotencyKey> findIdempotencyKey(String tenantId, String key) {
            t.count(JOBS, tenantId, "findIdempotencyKey", 1);
            return d.findIdempotencyKey(tenantId, key);
        }

        @Override
        public Optional<Job> find(String tenantId, String jobId) {
            t.count(JOBS, tenantId, "find", 1);
            return d.find(tenantId, jobId);
        }

        @Override
        public Job update(Job job, List<HistoryEntry> entries) {
            return update(job, entries, List.of());
        }

        @Override
        public Job update(Job job, List<HistoryEntry> entries, List<Checkpoint> checkpoints) {
            Job stored;
            try {
                stored = checkpoints.isEmpty() ? d.update(job, entries) : d.update(job, entries, checkpoints);
            } catch (RuntimeException refused) {
                t.count(JOBS, job.tenantId(), "update(refused)", 1);
                throw refused;
            }
            boolean finishes = job.state().isTerminal();
            t.count(JOBS, job.tenantId(), "update", 1 + entries.size() + checkpoints.size() + (finishes ? 1 : 0));
            if (finishes) {
                unfinished(job.tenantId()).decrementAndGet();
            }
            return stored;
        }

        @Override
        public List<Checkpoint> checkpoints(String tenantId, String jobId) {
            List<Checkpoint> found = d.checkpoints(tenantId, jobId);
            t.count(JOBS, tenantId, "checkpoints", found.size());
            return found;
        }

        @Override
        public Page<Job> list(String tenantId, JobFilter filter, int limit, String continuationToken) {
            Page<Job> page = d.list(tenantId, filter, limit, continuationToken);
            t.count(JOBS, tenantId, "list", page.items().size());
            return page;
        }

        @Override
        public List<HistoryEntry> history(String tenantId, String jobId) {
            List<HistoryEntry> found = d.history(tenantId, jobId);
            t.count(JOBS, tenantId, "history", found.size());
            return found;
        }

        @Override
        public List<IdempotencyKey> idempotencyKeys(String tenantId) {
            List<IdempotencyKey> found = d.idempotencyKeys(tenantId);
            t.count(JOBS, tenantId, "idempotencyKeys", found.size());
            return found;
        }

        @Override
        public boolean erase(Job job) {
            boolean erased = d.erase(job);
            t.count(JOBS, job.tenantId(), "erase", 1);
            return erased;
        }

        @Override
        public void eraseTenant(String tenantId) {
            t.count(JOBS, tenantId, "eraseTenant", 1);
            d.eraseTenant(tenantId);
        }

        @Override
        public List<Job> finishedBefore(Instant before, int limit) {
            List<Job> found = d.finishedBefore(before, limit);
            t.count(JOBS, "*", "finishedBefore", found.size());
            return found;
        }
    }

    private static final class Agents extends Counting<AgentStore> implements AgentStore {

        Agents(AgentStore d, PartitionTally t) {
            super(d, t);
        }

        @Override
        public Optional<Agent> find(String region, String agentId) {
            t.count(AGENTS, region, "find", 1);
            return d.find(region, agentId);
        }

        @Override
        public Agent create(Agent agent) {
            t.count(AGENTS, agent.region(), "create", 1);
            return d.create(agent);
        }

        @Override
        public Agent update(Agent agent) {
            t.count(AGENTS, agent.region(), "update", 1);
            return d.update(agent);
        }

        @Override
        public List<Agent> list(String region) {
            List<Agent> found = d.list(region);
            t.count(AGENTS, region, "list", found.size());
            return found;
        }

        @Override
        public List<Agent> page(String region, String afterId, int limit) {
            List<Agent> found = d.page(region, afterId, limit);
            t.count(AGENTS, region, "page", found.size());
            return found;
        }

        @Override
        public boolean delete(Agent agent) {
            t.count(AGENTS, agent.region(), "delete", 1);
            return d.delete(agent);
        }
    }

    private static final class Ready extends Counting<ReadyQueue> implements ReadyQueue {

        Ready(ReadyQueue d, PartitionTally t) {
            super(d, t);
        }

        @Override
        public ReadyEntry put(ReadyEntry entry) {
            t.count(READY, entry.region(), "put", 1);
            return d.put(entry);
        }

        @Override
        public List<ReadyEntry> heads(String region, int perTier) {
            List<ReadyEntry> found = d.heads(region, perTier);
            t.count(READY, region, "heads", found.size());
            return found;
        }

        @Override
        public List<ReadyEntry> page(String region, Tier tier, String afterKey, int limit) {
            List<ReadyEntry> found = d.page(region, tier, afterKey, limit);
            t.count(READY, region, "page", found.size());
            return found;
        }

        @Override
        public Optional<ReadyEntry> find(String region, String key) {
            t.count(READY, region, "find", 1);
            return d.find(region, key);
        }

        @Override
        public boolean remove(ReadyEntry entry) {
            t.count(READY, entry.region(), "remove", 1);
            return d.remove(entry);
        }

        @Override
        public Map<Tier, Depth> depths(String region) {
            Map<Tier, Depth> found = d.depths(region);
            // the Table Storage adapter counts by reading the partition's entries
            t.count(READY, region, "depths", found.values().stream().mapToLong(Depth::count).sum());
            return found;
        }
    }

    private static final class Tenants extends Counting<TenantStore> implements TenantStore {
        private static final String ONE = "all";

        Tenants(TenantStore d, PartitionTally t) {
            super(d, t);
        }

        @Override
        public Optional<TenantEntitlement> find(String tenantId) {
            t.count(TENANTS, ONE, "find", 1);
            return d.find(tenantId);
        }

        @Override
        public TenantEntitlement put(TenantEntitlement entitlement) {
            t.count(TENANTS, ONE, "put", 1);
            return d.put(entitlement);
        }

        @Override
        public List<TenantEntitlement> list() {
            List<TenantEntitlement> found = d.list();
            t.count(TENANTS, ONE, "list", found.size());
            return found;
        }

        @Override
        public boolean delete(String tenantId) {
            t.count(TENANTS, ONE, "delete", 1);
            return d.delete(tenantId);
        }

        @Override
        public OrganisationLimit putOrganisation(OrganisationLimit limit) {
            t.count(TENANTS, ONE, "putOrganisation", 1);
            return d.putOrganisation(limit);
        }

        @Override
        public List<OrganisationLimit> organisations() {
            List<OrganisationLimit> found = d.organisations();
            t.count(TENANTS, ONE, "organisations", Math.max(1, found.size()));
            return found;
        }

        @Override
        public boolean deleteOrganisation(String key) {
            t.count(TENANTS, ONE, "deleteOrganisation", 1);
            return d.deleteOrganisation(key);
        }

        @Override
        public TenantOrganisationLimit putTenantLimit(TenantOrganisationLimit limit) {
            t.count(TENANTS, ONE, "putTenantLimit", 1);
            return d.putTenantLimit(limit);
        }

        @Override
        public List<TenantOrganisationLimit> tenantLimits() {
            List<TenantOrganisationLimit> found = d.tenantLimits();
            t.count(TENANTS, ONE, "tenantLimits", Math.max(1, found.size()));
            return found;
        }

        @Override
        public boolean deleteTenantLimit(String tenantId, String key) {
            t.count(TENANTS, ONE, "deleteTenantLimit", 1);
            return d.deleteTenantLimit(tenantId, key);
        }

        @Override
        public Optional<StoredThrottle> throttle(String key) {
            t.count(TENANTS, ONE, "throttle", 1);
            return d.throttle(key);
        }

        @Override
        public StoredThrottle putThrottle(OrganisationThrottle throttle, String etag) {
            t.count(TENANTS, ONE, "putThrottle", 1);
            return d.putThrottle(throttle, etag);
        }

        @Override
        public List<OrganisationThrottle> throttles() {
            List<OrganisationThrottle> found = d.throttles();
            t.count(TENANTS, ONE, "throttles", Math.max(1, found.size()));
            return found;
        }
    }

    private static final class Mappings extends Counting<MappingStore> implements MappingStore {

        Mappings(MappingStore d, PartitionTally t) {
            super(d, t);
        }

        private static String key(String tenantId, String scope) {
            return tenantId + "|" + scope;
        }

        @Override
        public Recorded record(String tenantId, String scope, List<IdMapping> items) {
            Recorded r = d.record(tenantId, scope, items);
            t.count(MAPPINGS, key(tenantId, scope), "record", 2L * items.size());
            return r;
        }

        @Override
        public Optional<IdMapping> findBySource(String tenantId, String scope, String type, String sourceId) {
            t.count(MAPPINGS, key(tenantId, scope), "findBySource", 1);
            return d.findBySource(tenantId, scope, type, sourceId);
        }

        @Override
        public Optional<IdMapping> findByTarget(String tenantId, String scope, String type, String targetId) {
            t.count(MAPPINGS, key(tenantId, scope), "findByTarget", 1);
            return d.findByTarget(tenantId, scope, type, targetId);
        }

        @Override
        public Page<IdMapping> list(String tenantId, String scope, String type, int limit, String continuationToken) {
            Page<IdMapping> page = d.list(tenantId, scope, type, limit, continuationToken);
            t.count(MAPPINGS, key(tenantId, scope), "list", page.items().size());
            return page;
        }

        @Override
        public boolean eraseIfUnused(String tenantId, String scope, BooleanSupplier unused) {
            t.count(MAPPINGS, key(tenantId, scope), "erase", 1);
            return d.eraseIfUnused(tenantId, scope, unused);
        }

        @Override
        public void eraseTenant(String tenantId) {
            t.count(MAPPINGS, "*", "eraseTenant", 1);
            d.eraseTenant(tenantId);
        }
    }

    /** {@link LeaseExpiries#move} is not overridden: as the default, it is counted as an add and a remove. */
    private static final class Leases extends Counting<LeaseExpiries> implements LeaseExpiries {

        Leases(LeaseExpiries d, PartitionTally t) {
            super(d, t);
        }

        @Override
        public void add(Due due) {
            t.count(LEASES, due.region(), "add", 1);
            d.add(due);
        }

        @Override
        public List<Due> due(String region, Instant now, int limit) {
            List<Due> found = d.due(region, now, limit);
            t.count(LEASES, region, "due", found.size());
            return found;
        }

        @Override
        public void remove(Due due) {
            t.count(LEASES, due.region(), "remove", 1);
            d.remove(due);
        }

        @Override
        public void eraseTenant(String tenantId) {
            t.count(LEASES, "*", "eraseTenant", 1);
            d.eraseTenant(tenantId);
        }
    }
}
