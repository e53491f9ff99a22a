package io.controlplane.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * An estimate of when a job finishes (or, queued, starts): {@code at} the expected time, within
 * {@code low} to {@code high}; {@code basis} says what it rests on. A stalled job has no
 * {@code at} and no {@code high} (it may never finish), only {@code low}: the earliest it could
 * finish if it went on at its whole-run rate now.
 */
public record Eta(Instant at, Instant low, Instant high, String basis) {

    /** From the rate of the job's own progress. */
    public static final String PROGRESS_RATE = "progress-rate";
    /** No progress lately: no point estimate. */
    public static final String STALLED = "stalled";
    /** A queued job's start, from its place in the queue and the region's recent throughput. */
    public static final String QUEUE_POSITION = "queue-position";

    public Eta {
        Objects.requireNonNull(basis, "basis");
    }
}
