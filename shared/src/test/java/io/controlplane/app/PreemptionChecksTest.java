package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PreemptionChecksTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final PreemptionChecks checks = new PreemptionChecks();

    @Test
    void messagesWhileACheckIsPendingShareIt() {
        assertThat(checks.request("westeurope", T0.plusMillis(10))).contains(T0.plusMillis(10));
        assertThat(checks.request("westeurope", T0.plusMillis(20))).isEmpty();
        assertThat(checks.request("northeurope", T0.plusMillis(20))).as("regions apart").contains(T0.plusMillis(20));
    }

    @Test
    void aRegionsChecksAreAtLeastTheGapApart() {
        checks.request("westeurope", T0);
        checks.running("westeurope", T0);

        assertThat(checks.request("westeurope", T0.plusMillis(10))).contains(T0.plus(PreemptionChecks.MIN_GAP));
        checks.running("westeurope", T0.plus(PreemptionChecks.MIN_GAP));
        Instant late = T0.plus(PreemptionChecks.MIN_GAP).plus(Duration.ofSeconds(5));
        assertThat(checks.request("westeurope", late)).as("long after the last: when asked").contains(late);
    }
}
