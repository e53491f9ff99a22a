package io.controlplane.app;

import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.Page;
import io.controlplane.ports.JobFilter;
import io.controlplane.ports.JobStore;
import java.util.List;

/** Read side for clients: one job, a filtered page of jobs, a job's history. Always tenant-scoped. */
public final class JobQueries {

    private final JobStore jobs;

    public JobQueries(JobStore jobs) {
        this.jobs = jobs;
    }

    public Job get(Caller caller, String jobId) {
        return jobs.find(caller.tenantId(), jobId).orElseThrow(() -> new JobNotFoundException(jobId));
    }

    public Page<Job> list(Caller caller, JobFilter filter, int limit, String continuationToken) {
        return jobs.list(caller.tenantId(), filter, limit, continuationToken);
    }

    public List<HistoryEntry> history(Caller caller, String jobId) {
        get(caller, jobId);
        return jobs.history(caller.tenantId(), jobId);
    }
}
