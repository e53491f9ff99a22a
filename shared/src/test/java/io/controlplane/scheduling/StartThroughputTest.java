package io.controlplane.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StartThroughputTest {

    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void theRateIsTheStartsOfTheLastQuarterHourPerMinuteWatched() {
        StartThroughput starts = new StartThroughput(T0);
        for (int i = 0; i < 10; i++) {
            starts.started(T0.plusSeconds(30L * i));
        }
        StartThroughput.Rate rate = starts.rate(T0.plusSeconds(300)).orElseThrow();
        assertThat(rate.perMinute()).isCloseTo(2.0, within(1e-9)); // 10 in 5 minutes
        assertThat(rate.starts()).isEqualTo(10);
    }

    @Test
    void startsOlderThanTheWindowNoLongerCount() {
        StartThroughput starts = new StartThroughput(T0);
        for (int i = 0; i < 30; i++) {
            starts.started(T0.plusSeconds(60L * i));
        }
        Instant now = T0.plusSeconds(60 * 30);
        StartThroughput.Rate rate = starts.rate(now).orElseThrow();
        assertThat(rate.starts()).isEqualTo(15);
        assertThat(rate.perMinute()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void unknownWhileTooLittleWasSeen() {
        StartThroughput starts = new StartThroughput(T0);
        starts.started(T0.plusSeconds(10));
        starts.started(T0.plusSeconds(20));
        assertThat(starts.rate(T0.plusSeconds(120))).as("two starts").isEmpty();
        starts.started(T0.plusSeconds(30));
        assertThat(starts.rate(T0.plusSeconds(40))).as("watched under a minute").isEmpty();
        assertThat(starts.rate(T0.plusSeconds(120))).isPresent();
        assertThat(starts.rate(T0.plus(StartThroughput.WINDOW).plusSeconds(60))).as("all of them too old").isEmpty();
    }

    @Test
    void aQuietRegionSlowsDown() {
        StartThroughput starts = new StartThroughput(T0);
        for (int i = 0; i < 6; i++) {
            starts.started(T0.plusSeconds(10L * i));
        }
        double busy = starts.rate(T0.plus(Duration.ofMinutes(1))).orElseThrow().perMinute();
        double later = starts.rate(T0.plus(Duration.ofMinutes(10))).orElseThrow().perMinute();
        assertThat(later).isLessThan(busy);
    }
}
