package io.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EtaEstimatorTest {

    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    private final EtaEstimator estimator = new EtaEstimator();

    /** Reports every 30 s at {@code perMinute} percent a minute, from {@code from} percent. */
    private static ProgressHistory steady(ProgressHistory h, Instant start, double from, double perMinute, int reports, long epoch) {
        for (int i = 0; i < reports; i++) {
            h = h.with(new ProgressSample(start.plusSeconds(30L * i), from + perMinute * i / 2, epoch));
        }
        return h;
    }

    private static double minutesFrom(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 60_000.0;
    }

    @Test
    void aSteadyJobFinishesAtItsRateWithANarrowRange() {
        // 1 % a minute for 40 minutes: 40 % done, 60 minutes to go.
        ProgressHistory h = steady(ProgressHistory.empty(), T0, 0, 1, 81, 1);
        Instant last = h.last().at();

        Eta eta = estimator.estimate(h, 40, last).orElseThrow();

        assertThat(eta.basis()).isEqualTo(Eta.PROGRESS_RATE);
        assertThat(minutesFrom(last, eta.at())).isCloseTo(60, org.assertj.core.data.Offset.offset(0.5));
        assertThat(eta.low()).isBeforeOrEqualTo(eta.at());
        assertThat(eta.high()).isAfterOrEqualTo(eta.at());
        // The rates agree: the range is only the widening for what is still to do (60 of 100).
        assertThat(minutesFrom(eta.low(), eta.high())).isLessThan(60);
    }

    @Test
    void theRangeNarrowsAsProgressGrows() {
        ProgressHistory early = steady(ProgressHistory.empty(), T0, 0, 1, 21, 1); // 10 %
        ProgressHistory late = steady(ProgressHistory.empty(), T0, 0, 1, 161, 1); // 80 %
        Eta first = estimator.estimate(early, 10, early.last().at()).orElseThrow();
        Eta second = estimator.estimate(late, 80, late.last().at()).orElseThrow();

        double firstShare = minutesFrom(first.low(), first.high()) / minutesFrom(early.last().at(), first.at());
        double secondShare = minutesFrom(second.low(), second.high()) / minutesFrom(late.last().at(), second.at());
        assertThat(secondShare).isLessThan(firstShare);
    }

    @Test
    void anAcceleratingJobIsJudgedMostlyByItsRecentRate() {
        // 0.5 % a minute for 40 minutes (20 %), then 2 % a minute for 10 minutes (to 40 %).
        ProgressHistory h = steady(ProgressHistory.empty(), T0, 0, 0.5, 80, 1);
        h = steady(h, T0.plusSeconds(40 * 60), 20, 2, 21, 1);
        Instant last = h.last().at();

        Eta eta = estimator.estimate(h, 40, last).orElseThrow();

        double atRecentRate = 60 / 2.0; // 30 minutes
        double atWholeRunRate = 60 / (40 / 50.0); // 75 minutes
        double expected = minutesFrom(last, eta.at());
        assertThat(expected).isGreaterThan(atRecentRate).isLessThan((atRecentRate + atWholeRunRate) / 2);
        assertThat(minutesFrom(last, eta.low())).isLessThanOrEqualTo(atRecentRate);
        assertThat(minutesFrom(last, eta.high())).isGreaterThanOrEqualTo(atWholeRunRate);
    }

    @Test
    void aStalledJobHasNoPointEstimateOnlyTheEarliestFinish() {
        // 1 % a minute for 20 minutes, then 10 minutes at 20 % (reports go on, the percent does not).
        ProgressHistory h = steady(ProgressHistory.empty(), T0, 0, 1, 41, 1);
        Instant plateau = h.last().at();
        for (int i = 1; i <= 20; i++) {
            h = h.with(new ProgressSample(plateau.plusSeconds(30L * i), 20, 1));
        }
        assertThat(h.samples().size()).as("a plateau is kept by its ends").isLessThanOrEqualTo(ProgressHistory.MAX_SAMPLES);
        Instant now = plateau.plusSeconds(600);

        Eta eta = estimator.estimate(h, 20, now).orElseThrow();

        assertThat(eta.basis()).isEqualTo(Eta.STALLED);
        assertThat(eta.at()).isNull();
        assertThat(eta.high()).isNull();
        // At its whole-run rate (20 % in 30 minutes) the 80 % left take 120 minutes.
        assertThat(minutesFrom(now, eta.low())).isCloseTo(120, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void aJobWhoseReportsStopIsStalledAfterFiveMinutes() {
        ProgressHistory h = steady(ProgressHistory.empty(), T0, 0, 1, 21, 1);
        Instant last = h.last().at();

        assertThat(estimator.estimate(h, 10, last.plusSeconds(60)).orElseThrow().basis()).isEqualTo(Eta.PROGRESS_RATE);
        assertThat(estimator.estimate(h, 10, last.plus(EtaEstimator.STALL_AFTER)).orElseThrow().basis()).isEqualTo(Eta.STALLED);
    }

    @Test
    void theTimeAPreemptedJobSpentOutOfWorkDoesNotSlowItsEstimate() {
        // 1 % a minute for 20 minutes under epoch 1; two hours queued; 1 % a minute for 10 minutes under epoch 2.
        ProgressHistory h = steady(ProgressHistory.empty(), T0, 0, 1, 41, 1);
        Instant resumed = T0.plusSeconds(20 * 60 + 2 * 3600);
        h = steady(h, resumed, 20, 1, 21, 2);
        Instant last = h.last().at();

        Eta eta = estimator.estimate(h, 30, last).orElseThrow();

        assertThat(eta.basis()).isEqualTo(Eta.PROGRESS_RATE);
        assertThat(minutesFrom(last, eta.at())).isCloseTo(70, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void workRedoneFromACheckpointIsNotCountedTwice() {
        // 0→20 % under epoch 1, lease lost; resumed from a checkpoint at 15 %, then 15→25 % under epoch 2.
        ProgressHistory h = steady(ProgressHistory.empty(), T0, 0, 1, 41, 1);
        h = steady(h, T0.plusSeconds(3600), 15, 1, 21, 2);
        Instant last = h.last().at();

        Eta eta = estimator.estimate(h, 25, last).orElseThrow();

        assertThat(minutesFrom(last, eta.at())).isCloseTo(75, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void nothingUntilThereIsEnoughProgress() {
        Instant now = T0.plusSeconds(600);
        // Two samples only.
        assertThat(estimator.estimate(steady(ProgressHistory.empty(), T0, 0, 5, 2, 1), 2.5, now)).isEmpty();
        // Under 2 % made: 1.5 % in 3 minutes.
        assertThat(estimator.estimate(steady(ProgressHistory.empty(), T0, 0, 0.5, 7, 1), 1.5, now)).isEmpty();
        // Under a minute of working time: 3 samples 20 s apart.
        ProgressHistory quick = ProgressHistory.empty().with(new ProgressSample(T0, 0, 1))
                .with(new ProgressSample(T0.plusSeconds(20), 5, 1)).with(new ProgressSample(T0.plusSeconds(40), 10, 1));
        assertThat(estimator.estimate(quick, 10, T0.plusSeconds(40))).isEmpty();
        // A resumed job at 50 %, with little progress made since it came back.
        ProgressHistory resumed = ProgressHistory.empty().with(new ProgressSample(T0, 50, 3))
                .with(new ProgressSample(T0.plusSeconds(60), 50.5, 3)).with(new ProgressSample(T0.plusSeconds(120), 51, 3));
        assertThat(estimator.estimate(resumed, 51, T0.plusSeconds(120))).isEmpty();
        assertThat(estimator.estimate(ProgressHistory.empty(), 0, now)).isEmpty();
    }

    @Test
    void nothingForAJobAtOneHundredPercent() {
        ProgressHistory h = steady(ProgressHistory.empty(), T0, 0, 5, 41, 1);
        assertThat(estimator.estimate(h, 100, h.last().at())).isEqualTo(Optional.empty());
    }

    @Test
    void anEstimateIsNeverInThePast() {
        ProgressHistory h = steady(ProgressHistory.empty(), T0, 0, 10, 18, 1); // 85 % after 8.5 minutes
        Instant now = h.last().at().plusSeconds(200); // due 1.5 minutes after the last report; not yet stalled
        Eta eta = estimator.estimate(h, 85, now).orElseThrow();
        assertThat(eta.low()).isAfterOrEqualTo(now);
        assertThat(eta.at()).isAfterOrEqualTo(now);
    }
}
