package io.controlplane.app;

import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpec;
import io.controlplane.ports.JobStore;
import java.time.Clock;

/** Stores a validated job spec as a new queued job of the caller's tenant. */
public final class SubmitJob {

    private final JobStore jobs;
    private final JobIdGenerator ids;
    private final Clock clock;

    public SubmitJob(JobStore jobs, JobIdGenerator ids, Clock clock) {
        this.jobs = jobs;
        this.ids = ids;
        this.clock = clock;
    }

    public Job submit(Caller caller, JobSpec spec) {
        Job.Transition created = Job.submitted(ids.next(), caller.tenantId(), spec, clock.instant(), caller.subject());
        return jobs.create(created.job(), created.entry());
    }
}
