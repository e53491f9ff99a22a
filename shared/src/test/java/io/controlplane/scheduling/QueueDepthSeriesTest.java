package io.controlplane.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class QueueDepthSeriesTest {

    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void oneSampleAMinuteAtMostFromTheReadingsOffered() {
        QueueDepthSeries series = new QueueDepthSeries();
        for (int i = 0; i < 30; i++) { // a reading every 10 s for 5 minutes
            series.offer(T0.plusSeconds(10L * i), i, T0.minusSeconds(60));
        }
        assertThat(series.samples(T0.plusSeconds(300))).extracting(QueueDepthSeries.Sample::at)
                .containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180), T0.plusSeconds(240));
        assertThat(series.samples(T0.plusSeconds(300)).get(1)).isEqualTo(new QueueDepthSeries.Sample(T0.plusSeconds(60), 6, 120L));
    }

    @Test
    void onlyTheLastHourIsKept() {
        QueueDepthSeries series = new QueueDepthSeries();
        for (int i = 0; i < 180; i++) {
            series.offer(T0.plusSeconds(60L * i), 1, T0);
        }
        Instant now = T0.plusSeconds(60L * 179);
        assertThat(series.samples(now)).hasSize(61).first().extracting(QueueDepthSeries.Sample::at)
                .isEqualTo(now.minus(QueueDepthSeries.SPAN));
        assertThat(series.samples(now.plus(QueueDepthSeries.SPAN).plusSeconds(1))).as("nothing read for an hour").isEmpty();
    }

    @Test
    void anEmptyQueueHasNoOldestAge() {
        QueueDepthSeries series = new QueueDepthSeries();
        series.offer(T0, 0, null);
        assertThat(series.samples(T0)).containsExactly(new QueueDepthSeries.Sample(T0, 0, null));
    }
}
