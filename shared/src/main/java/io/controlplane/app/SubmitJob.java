package io.controlplane.app;

import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpec;
import java.time.Clock;
import java.util.List;

/**
 * Stores a validated job spec as a new queued job of the caller's tenant and puts it in its
 * region's ready queue (entry first, then the job: see {@link Requeue}), then announces it.
 */
public final class SubmitJob {

    private final Requeue requeue;
    private final JobIdGenerator ids;
    private final Clock clock;

    public SubmitJob(Requeue requeue, JobIdGenerator ids, Clock clock) {
        this.requeue = requeue;
        this.ids = ids;
        this.clock = clock;
    }

    public Job submit(Caller caller, JobSpec spec) {
        Job.Transition created = Job.submitted(ids.next(), caller.tenantId(), spec, clock.instant(), caller.subject());
        return requeue.enqueue(created.job(), List.of(created.entry()), null, true);
    }
}
