package io.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.scheduling.QueueDepthSeries;
import io.controlplane.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every queue reading feeds the queue chart's series, one sample a minute per region and tier. */
class QueueSeriesMetricsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final TelemetryRecorder recorder = new TelemetryRecorder();
    private final Telemetry telemetry = recorder.telemetry(clock);

    @AfterEach
    void close() {
        recorder.close();
    }

    @Test
    void readingsEveryTenSecondsGiveASampleAMinutePerTier() {
        for (int i = 0; i < 13; i++) { // a reconcile pass every 10 s for two minutes
            telemetry.metrics().queueDepths("westeurope", Map.of(Tier.Premium, new ReadyQueue.Depth(i, T0.minusSeconds(30))));
            clock.advance(Duration.ofSeconds(10));
        }

        assertThat(telemetry.metrics().queueSeries("westeurope", Tier.Premium)).containsExactly(
                new QueueDepthSeries.Sample(T0, 0, null),
                new QueueDepthSeries.Sample(T0.plusSeconds(60), 6, 90L),
                new QueueDepthSeries.Sample(T0.plusSeconds(120), 12, 150L));
        assertThat(telemetry.metrics().queueSeries("westeurope", Tier.Standard)).as("a tier absent from the reading is empty")
                .extracting(QueueDepthSeries.Sample::depth).containsExactly(0L, 0L, 0L);
        assertThat(telemetry.metrics().queueSeries("northeurope", Tier.Premium)).isEmpty();
    }
}
