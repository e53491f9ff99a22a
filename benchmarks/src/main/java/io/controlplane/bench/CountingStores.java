package io.controlplane.bench;

import io.controlplane.app.UseCases;

/**
 * Decorators of every port that count each call in a {@link PartitionTally}, by the partition the
 * Table Storage adapter would send it to: jobs by tenant, agents / ready / leases by region,
 * mappings by tenant and scope, tenants in one partition. Entities touched: a point read or write
 * 1, a query what it returned, a batch its rows. A job's batch is counted as the table adapter
 * writes it: the job row, its history entries and checkpoints, the tenant's unfinished-job marker
 * (created with the job, deleted when it finishes) and, for a tenant with a quota, the guard row
 * and the marker count read before it ({@code SubmissionGuard}). A mapping is two rows (both
 * directions). Cross-partition scans (tenant erase, retention) are counted under partition "*".
 * Each port's decorator is a class of its own ({@link CountingJobStore}, {@link CountingAgentStore},
 * {@link CountingReadyQueue}, {@link CountingTenantStore}, {@link CountingMappingStore},
 * {@link CountingLeaseExpiries}); this class names the tables and wraps a set of stores.
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

    static UseCases.Stores wrap(UseCases.Stores s, PartitionTally tally) {
        return new UseCases.Stores(new CountingJobStore(s.jobs(), tally), new CountingAgentStore(s.agents(), tally),
                new CountingReadyQueue(s.ready(), tally), new CountingTenantStore(s.tenants(), tally),
                new CountingMappingStore(s.mappings(), tally), new CountingLeaseExpiries(s.leases(), tally));
    }
}
