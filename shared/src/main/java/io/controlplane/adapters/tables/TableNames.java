package io.controlplane.adapters.tables;

import java.util.List;

/** Table names (before the deployment's prefix). */
final class TableNames {

    /** Jobs and, beside each job in its tenant's partition, the job's history: see ADR 0001. */
    static final String JOBS = "jobs";

    static final String AGENTS = "agents";
    static final String READY = "ready";
    static final String TENANTS = "tenants";
    static final String MAPPINGS = "mappings";
    /** When each running lease is next due to be looked at, per region. */
    static final String LEASES = "leases";

    static final List<String> ALL = List.of(JOBS, AGENTS, READY, TENANTS, MAPPINGS, LEASES);

    private TableNames() {
    }
}
