package io.controlplane.app;

import io.controlplane.domain.Checkpoint;
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
    private final ReportProgress progress;

    public JobQueries(JobStore jobs, ReportProgress progress) {
        this.jobs = jobs;
        this.progress = progress;
    }

    public Job get(Caller caller, String jobId) {
        return withPending(jobs.find(caller.tenantId(), jobId).orElseThrow(() -> new JobNotFoundException(jobId)));
    }

    public Page<Job> list(Caller caller, JobFilter filter, int limit, String continuationToken) {
        Page<Job> page = jobs.list(caller.tenantId(), filter, limit, continuationToken);
        return new Page<>(page.items().stream().map(this::withPending).toList(), page.continuationToken());
    }

    /** Progress reported to this instance but not yet written (coalesced) is shown at once. */
    private Job withPending(Job job) {
        return progress.pending(job.tenantId(), job.id())
                .filter(p -> job.progress().updatedAt() == null || !p.updatedAt().isBefore(job.progress().updatedAt()))
                .map(p -> job.withReport(p, job.updatedAt()))
                .orElse(job);
    }

    /** The job's checkpoints; a job of another tenant is not found. */
    public List<Checkpoint> checkpoints(Caller caller, String jobId) {
        get(caller, jobId);
        return jobs.checkpoints(caller.tenantId(), jobId);
    }

    public List<HistoryEntry> history(Caller caller, String jobId) {
        get(caller, jobId);
        return jobs.history(caller.tenantId(), jobId);
    }
}
