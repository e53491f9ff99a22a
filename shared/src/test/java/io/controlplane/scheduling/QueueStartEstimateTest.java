package io.controlplane.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Eta;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QueueStartEstimateTest {

    private static final Instant NOW = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void theJobStartsAfterTheJobsAheadOfItAtTheRecentRate() {
        Eta eta = QueueStartEstimate.estimate(9, Optional.of(new StartThroughput.Rate(2, 30)), NOW).orElseThrow();

        assertThat(eta.basis()).isEqualTo(Eta.QUEUE_POSITION);
        assertThat(eta.at()).isEqualTo(NOW.plus(Duration.ofMinutes(5))); // the 10th start at 2 a minute
        assertThat(eta.low()).isAfter(NOW).isBefore(eta.at());
        assertThat(eta.high()).isAfter(eta.at());
    }

    @Test
    void theRangeIsWiderWhenTheRateRestsOnFewStarts() {
        Eta few = QueueStartEstimate.estimate(9, Optional.of(new StartThroughput.Rate(2, 3)), NOW).orElseThrow();
        Eta many = QueueStartEstimate.estimate(9, Optional.of(new StartThroughput.Rate(2, 300)), NOW).orElseThrow();

        assertThat(Duration.between(few.low(), few.high())).isGreaterThan(Duration.between(many.low(), many.high()));
    }

    @Test
    void theNextJobMayStartAnyMoment() {
        Eta eta = QueueStartEstimate.estimate(0, Optional.of(new StartThroughput.Rate(1, 20)), NOW).orElseThrow();
        assertThat(eta.low()).isEqualTo(NOW);
        assertThat(eta.at()).isEqualTo(NOW.plus(Duration.ofMinutes(1)));
    }

    @Test
    void nothingWithoutAKnownRate() {
        assertThat(QueueStartEstimate.estimate(3, Optional.empty(), NOW)).isEmpty();
        assertThat(QueueStartEstimate.estimate(3, Optional.of(new StartThroughput.Rate(0, 5)), NOW)).isEmpty();
    }
}
