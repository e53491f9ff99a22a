package io.controlplane.domain;

import java.time.Instant;

/**
 * One line of a job's audit trail: a state change or an operator action. {@code from} is null for
 * the entry that records the job's creation.
 */
public record HistoryEntry(String jobId, long sequence, Instant at, JobState from, JobState to, String reason, String actor) {
}
