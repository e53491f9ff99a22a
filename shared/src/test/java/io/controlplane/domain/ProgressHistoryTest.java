package io.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressHistoryTest {

    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    @Test
    void aLongRunIsThinnedButStillSpansItsWholeLengthWithTheNewestSamplesDense() {
        ProgressHistory h = ProgressHistory.empty();
        for (int i = 0; i <= 1000; i++) {
            h = h.with(new ProgressSample(T0.plusSeconds(30L * i), i / 10.0, 1));
        }
        assertThat(h.samples()).hasSizeLessThanOrEqualTo(ProgressHistory.MAX_SAMPLES);
        assertThat(h.samples().get(0).at()).as("the first report is kept").isEqualTo(T0);
        assertThat(h.last().at()).isEqualTo(T0.plusSeconds(30_000));
        int n = h.samples().size();
        for (int i = n - ProgressHistory.DENSE + 1; i < n; i++) {
            assertThat(h.samples().get(i).at()).as("the newest are as reported")
                    .isEqualTo(h.samples().get(i - 1).at().plusSeconds(30));
        }
    }

    @Test
    void thinningKeepsTheEndsOfEverySegment() {
        ProgressHistory h = ProgressHistory.empty();
        for (int i = 0; i < 60; i++) {
            h = h.with(new ProgressSample(T0.plusSeconds(30L * i), i, 1));
        }
        for (int i = 0; i < 60; i++) {
            h = h.with(new ProgressSample(T0.plusSeconds(7200 + 30L * i), 60 + i, 2));
        }
        assertThat(h.samples()).hasSizeLessThanOrEqualTo(ProgressHistory.MAX_SAMPLES);
        assertThat(h.samples()).filteredOn(s -> s.epoch() == 1).extracting(ProgressSample::at)
                .contains(T0, T0.plusSeconds(30 * 59));
        assertThat(h.samples()).filteredOn(s -> s.epoch() == 2).first().extracting(ProgressSample::at)
                .isEqualTo(T0.plusSeconds(7200));
    }

    @Test
    void aPlateauIsKeptByItsEndsAndALateSampleIsIgnored() {
        ProgressHistory h = ProgressHistory.empty().with(new ProgressSample(T0, 10, 1))
                .with(new ProgressSample(T0.plusSeconds(30), 20, 1));
        for (int i = 2; i < 10; i++) {
            h = h.with(new ProgressSample(T0.plusSeconds(30L * i), 20, 1));
        }
        assertThat(h.samples()).extracting(ProgressSample::at)
                .containsExactly(T0, T0.plusSeconds(30), T0.plusSeconds(270));
        assertThat(h.with(new ProgressSample(T0.plusSeconds(100), 15, 1))).isEqualTo(h);
    }

    @Test
    void aReportIsAppendedAsASampleOfTheLeaseEpoch() {
        Progress first = Progress.none().then(new Progress(5, Map.of("workItems", 50L), "stage 1", T0), 3);
        Progress second = first.then(new Progress(9, Map.of(), null, T0.plusSeconds(30)), 3);
        assertThat(second.percent()).isEqualTo(9);
        assertThat(second.history().samples()).containsExactly(new ProgressSample(T0, 5, 3),
                new ProgressSample(T0.plusSeconds(30), 9, 3));
    }
}
