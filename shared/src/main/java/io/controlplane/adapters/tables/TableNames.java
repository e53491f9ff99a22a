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

    static final List<String> ALL = List.of(JOBS, AGENTS, READY, TENANTS, MAPPINGS);

    private TableNames() {
    }
}
