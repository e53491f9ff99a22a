package io.controlplane.app;

import io.controlplane.domain.FieldError;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Job;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.MappingStore;
import io.controlplane.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.List;

/**
 * An agent records the ID mappings it made, in its job's mapping scope, so that the job's next
 * agent (after preemption, pause or a lost lease) and later jobs of the same scope find them.
 *
 * <p>The lease is checked before anything is written. The write itself is not conditional on the
 * lease (it lives in another table); that is safe because mappings are write-once facts: a write
 * racing a lease loss records what the agent really did in the target and cannot overwrite a
 * successor's mapping (that would be a conflict).
 */
public final class RecordMappings {

    private final MappingStore mappings;
    private final LeaseAccess leases;
    private final Telemetry telemetry;

    public RecordMappings(MappingStore mappings, LeaseAccess leases, Telemetry telemetry) {
        this.mappings = mappings;
        this.leases = leases;
        this.telemetry = telemetry;
    }

    public MappingStore.Recorded record(Caller caller, String leaseId, List<IdMapping> items) {
        List<FieldError> errors = problems(items);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        Job job = leases.check(caller, leaseId);
        MappingStore.Recorded recorded = mappings.record(job.tenantId(), job.mappingScope(), items);
        telemetry.metrics().mappingsRecorded(job, recorded.recorded());
        return recorded;
    }

    /** Every problem of the items, as {@code items[3].sourceId}; empty when they may be recorded. */
    public static List<FieldError> problems(List<IdMapping> items) {
        List<FieldError> errors = new ArrayList<>();
        if (items == null || items.isEmpty() || items.size() > MappingStore.MAX_ITEMS_PER_CALL) {
            errors.add(new FieldError("items", "must hold 1 to " + MappingStore.MAX_ITEMS_PER_CALL + " mappings"));
            return errors;
        }
        for (int i = 0; i < items.size(); i++) {
            IdMapping item = items.get(i);
            String at = "items[" + i + "]";
            if (item == null) {
                errors.add(new FieldError(at, "must be a mapping { type, sourceId, targetId }"));
                continue;
            }
            IdMapping.typeProblem(item.type()).ifPresent(m -> errors.add(new FieldError(at + ".type", m)));
            IdMapping.idProblem(item.sourceId()).ifPresent(m -> errors.add(new FieldError(at + ".sourceId", m)));
            IdMapping.idProblem(item.targetId()).ifPresent(m -> errors.add(new FieldError(at + ".targetId", m)));
        }
        return errors;
    }
}
