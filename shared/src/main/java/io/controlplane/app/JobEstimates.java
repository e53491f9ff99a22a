package io.controlplane.app;

import io.controlplane.domain.Eta;
import io.controlplane.domain.EtaEstimator;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.scheduling.QueueStartEstimate;
import io.controlplane.scheduling.WaitReasons;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * A job's ETA, worked out when it is read (nothing is stored): for a job an agent works on
 * (Assigned or Running), when it finishes, from its progress history ({@link EtaEstimator}); for a
 * queued job whose place in the queue is known, when it starts, from the jobs ahead of it and the
 * region's recent start rate ({@link QueueStartEstimate}). No storage call.
 */
public final class JobEstimates {

    /** States whose finish is estimated (a job being paused or preempted stops soon: none). */
    private static final Set<JobState> WORKING = Set.of(JobState.Assigned, JobState.Running);

    private final Dispatcher dispatcher;
    private final Clock clock;
    private final EtaEstimator estimator = new EtaEstimator();

    public JobEstimates(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
        this.clock = dispatcher.clock();
    }

    /**
     * @param waiting why the job waits (a queued job's {@link Dispatcher#whyWaiting}), or null when
     *     not asked: then a queued job has no estimate
     */
    public Optional<Eta> eta(Job job, WaitReasons.Waiting waiting) {
        if (WORKING.contains(job.state())) {
            return estimator.estimate(job.progress().history(), job.progress().percent(), clock.instant());
        }
        if (job.state() == JobState.Queued && waiting != null && waiting.jobsAhead() != null) {
            return QueueStartEstimate.estimate(waiting.jobsAhead(), dispatcher.startRate(job.spec().region()), clock.instant());
        }
        return Optional.empty();
    }
}
