package io.controlplane.app;

import io.controlplane.domain.FieldError;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Job;
import io.controlplane.domain.Page;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.MappingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a job's ID mappings: the agent holding its lease, or a client of its tenant. With a type
 * and a source (or target) id, one point lookup; otherwise the scope's mappings a page at a time.
 */
public final class FindMappings {

    public static final int MAX_LIMIT = 500;

    /**
     * What to find. {@code type} with {@code sourceId} or {@code targetId} looks one mapping up
     * (with both, the mapping from the source, if it goes to that target); otherwise a listing,
     * of {@code type} or of every type.
     */
    public record Query(String type, String sourceId, String targetId, int limit, String continuationToken) {

        boolean isLookup() {
            return type != null && (sourceId != null || targetId != null);
        }

        /** Every problem of the query; empty when it may run. */
        public List<FieldError> problems() {
            List<FieldError> errors = new ArrayList<>();
            if (type != null) {
                IdMapping.typeProblem(type).ifPresent(m -> errors.add(new FieldError("type", m)));
            } else if (sourceId != null || targetId != null) {
                errors.add(new FieldError("type", "is required with sourceId or targetId"));
            }
            if (sourceId != null) {
                IdMapping.idProblem(sourceId).ifPresent(m -> errors.add(new FieldError("sourceId", m)));
            }
            if (targetId != null) {
                IdMapping.idProblem(targetId).ifPresent(m -> errors.add(new FieldError("targetId", m)));
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be an integer from 1 to " + MAX_LIMIT));
            }
            return errors;
        }
    }

    private final MappingStore mappings;
    private final LeaseAccess leases;
    private final JobQueries jobs;

    public FindMappings(MappingStore mappings, LeaseAccess leases, JobQueries jobs) {
        this.mappings = mappings;
        this.leases = leases;
        this.jobs = jobs;
    }

    /** For the agent holding {@code leaseId}. */
    public Page<IdMapping> forLease(Caller caller, String leaseId, Query query) {
        requireValid(query);
        return find(leases.check(caller, leaseId), query);
    }

    /** For a client: a job of another tenant is not found. */
    public Page<IdMapping> forJob(Caller caller, String jobId, Query query) {
        requireValid(query);
        return find(jobs.get(caller, jobId), query);
    }

    private static void requireValid(Query query) {
        List<FieldError> errors = query.problems();
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
    }

    private Page<IdMapping> find(Job job, Query q) {
        String scope = job.mappingScope();
        if (!q.isLookup()) {
            return mappings.list(job.tenantId(), scope, q.type(), q.limit(), q.continuationToken());
        }
        Optional<IdMapping> found = q.sourceId() != null
                ? mappings.findBySource(job.tenantId(), scope, q.type(), q.sourceId())
                        .filter(m -> q.targetId() == null || m.targetId().equals(q.targetId()))
                : mappings.findByTarget(job.tenantId(), scope, q.type(), q.targetId());
        return new Page<>(found.stream().toList(), null);
    }
}
