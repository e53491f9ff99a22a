package io.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The throttle budget: back-off, multiplicative decrease, additive increase, recovery. */
class OrganisationThrottleTest {

    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final String ORG = "dev.azure.com:contoso";

    private static OrganisationThrottle first(int running, long retryAfter) {
        return OrganisationThrottle.reported(null, ORG, T0, Duration.ofSeconds(retryAfter), 0, running, STEP);
    }

    @Test
    void noNewJobStartsUntilTheRetryAfterEndsThenHalfTheConcurrencyThenOneMorePerStep() {
        OrganisationThrottle t = first(10, 60);

        assertThat(t.allowedAt(T0)).hasValue(0);
        assertThat(t.allowedAt(T0.plusSeconds(59))).hasValue(0);
        assertThat(t.backingOff(T0.plusSeconds(59))).isTrue();
        assertThat(t.allowedAt(T0.plusSeconds(60))).hasValue(5);
        assertThat(t.allowedAt(T0.plusSeconds(89))).hasValue(5);
        assertThat(t.allowedAt(T0.plusSeconds(90))).hasValue(6);
        assertThat(t.allowedAt(T0.plusSeconds(60 + 5 * 30))).as("back at the concurrency it was throttled at").hasValue(10);
        assertThat(t.allowedAt(T0.plusSeconds(60 + 6 * 30))).as("over").isEqualTo(OptionalInt.empty());
        assertThat(t.overAt(T0.plusSeconds(60 + 6 * 30))).isTrue();
    }

    @Test
    void theSameThrottlingReportedByManyAgentsHalvesOnceAndTakesTheLongestBackOff() {
        OrganisationThrottle t = first(10, 60);
        OrganisationThrottle again = OrganisationThrottle.reported(t, ORG, T0.plusSeconds(5), Duration.ofSeconds(120), 3, 10, STEP);
        OrganisationThrottle shorter = OrganisationThrottle.reported(again, ORG, T0.plusSeconds(6), Duration.ofSeconds(10), null, 10, STEP);

        assertThat(shorter.ceiling()).isEqualTo(5);
        assertThat(shorter.until()).isEqualTo(T0.plusSeconds(125));
        assertThat(shorter.reportedAt()).isEqualTo(T0.plusSeconds(6));
        assertThat(again.remaining()).isEqualTo(3);
    }

    @Test
    void throttledAgainAfterAStepItHalvesAgainFromWhatItAllowsNow() {
        OrganisationThrottle t = first(16, 10);                 // 8 allowed from T0+10
        Instant later = T0.plusSeconds(10 + 30);                // 9 allowed now
        OrganisationThrottle again = OrganisationThrottle.reported(t, ORG, later, Duration.ofSeconds(20), null, 9, STEP);

        assertThat(again.ceiling()).isEqualTo(4);
        assertThat(again.recoverAt()).as("the episode's starting concurrency").isEqualTo(16);
        assertThat(again.allowedAt(later.plusSeconds(19))).hasValue(0);
        assertThat(again.allowedAt(later.plusSeconds(20))).hasValue(4);
    }

    @Test
    void aReportAfterTheThrottleIsOverStartsANewEpisode() {
        OrganisationThrottle t = first(2, 10);                  // 1 allowed from T0+10, 2 from T0+40, over from T0+70
        Instant later = T0.plusSeconds(100);
        OrganisationThrottle next = OrganisationThrottle.reported(t, ORG, later, Duration.ofSeconds(5), null, 6, STEP);

        assertThat(next.recoverAt()).isEqualTo(6);
        assertThat(next.ceiling()).isEqualTo(3);
    }

    @Test
    void atLeastOneJobIsAllowedOnceTheBackOffEndsEvenWhenNoneRan() {
        OrganisationThrottle t = first(0, 30);

        assertThat(t.allowedAt(T0.plusSeconds(30))).hasValue(1);
        assertThat(t.allowedAt(T0.plusSeconds(60))).isEmpty();
    }

    @Test
    void aReportWithoutRetryAfterHalvesTheConcurrencyWithoutABackOff() {
        OrganisationThrottle t = OrganisationThrottle.reported(null, ORG, T0, Duration.ZERO, 5, 8, STEP);

        assertThat(t.backingOff(T0)).isFalse();
        assertThat(t.allowedAt(T0)).hasValue(4);
    }

    @Test
    void aBackOffLongerThanADayOrNegativeIsRefused() {
        assertThatThrownBy(() -> first(1, 86_401)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> first(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
