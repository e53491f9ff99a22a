package io.controlplane.telemetry;

import static io.controlplane.telemetry.TelemetryAttributes.tierAndRegion;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Tier;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.scheduling.QueueDepthSeries;
import io.controlplane.testing.MutableClock;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


/** The queue gauges: what the last reading said, the age growing with the clock, stale readings dropped. */
class ControlPlaneMetricsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final TelemetryRecorder recorder = new TelemetryRecorder();
    private final Telemetry telemetry = recorder.telemetry(clock);

    @AfterEach
    void close() {
        recorder.close();
    }

    @Test
    void theGaugesReportTheLastReadingWithAnAgeThatGrowsUntilTheReadingIsStale() {
        telemetry.metrics().queueDepths("westeurope", Map.of(Tier.Premium, new ReadyQueue.Depth(3, T0.minusSeconds(30))));
        clock.advance(Duration.ofSeconds(90));

        Map<String, MetricData> metrics = recorder.collect();
        assertThat(depth(metrics, Tier.Premium)).isEqualTo(3);
        assertThat(depth(metrics, Tier.Platinum)).as("a tier absent from the reading is empty").isZero();
        assertThat(age(metrics, Tier.Premium)).as("30 s old when read, 90 s later").isEqualTo(120.0);
        assertThat(age(metrics, Tier.Standard)).isZero();

        clock.advance(ControlPlaneMetrics.QUEUE_READING_MAX_AGE);
        Map<String, MetricData> later = recorder.collect();
        assertThat(TelemetryRecorder.gauge(later, ControlPlaneMetrics.QUEUE_DEPTH)).as("stale: no longer reported").isEmpty();
        assertThat(TelemetryRecorder.gauge(later, ControlPlaneMetrics.QUEUE_OLDEST_AGE)).isEmpty();
    }

    private static long depth(Map<String, MetricData> metrics, Tier tier) {
        return metrics.get(ControlPlaneMetrics.QUEUE_DEPTH).getLongGaugeData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(tierAndRegion(tier, "westeurope")))
                .mapToLong(LongPointData::getValue).findFirst().orElseThrow();
    }

    private static double age(Map<String, MetricData> metrics, Tier tier) {
        return metrics.get(ControlPlaneMetrics.QUEUE_OLDEST_AGE).getDoubleGaugeData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(tierAndRegion(tier, "westeurope")))
                .mapToDouble(DoublePointData::getValue).findFirst().orElseThrow();
    }

    /** Every queue reading feeds the queue chart's series, one sample a minute per region and tier. */
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
