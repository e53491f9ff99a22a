package io.controlplane.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One point of a job's progress history: the percent its agent reported at {@code at}, under the
 * lease of fencing epoch {@code epoch}. Samples of one epoch form a run segment.
 */
public record ProgressSample(Instant at, double percent, long epoch) {

    public ProgressSample {
        Objects.requireNonNull(at, "at");
    }
}
