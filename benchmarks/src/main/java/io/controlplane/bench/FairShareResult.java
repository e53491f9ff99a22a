package io.controlplane.bench;

import java.time.Duration;
import java.util.Map;

/**
 * What one configuration of a {@link FairShareBenchmark} gave: each tenant's waits (submission to
 * first lease), when the last job completed (from the first submission), and what would make the
 * waits suspect: jobs leased more than once, stop commands the agents were sent, jobs left unfinished.
 */
record FairShareResult(FairShareMode mode, Map<String, Stats> waits, Duration makespan, int completed, int leasedAgain,
                       int commands) {
}
