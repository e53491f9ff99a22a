package io.controlplane.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatchSettingsTest {

    @Test
    void fairShareIsOnUnlessTurnedOff() {
        assertThat(DispatchSettings.defaults().fairShare()).isTrue();
        assertThat(DispatchSettings.from(Map.of(DispatchSettings.FAIR_SHARE, "false")).fairShare()).isFalse();
        assertThat(DispatchSettings.from(Map.of(DispatchSettings.FAIR_SHARE, " TRUE ")).fairShare()).isTrue();
    }

    @Test
    void aFairShareValueThatIsNotABooleanIsListedWithTheOtherProblems() {
        assertThatThrownBy(() -> DispatchSettings.from(Map.of(DispatchSettings.FAIR_SHARE, "yes", DispatchSettings.LEASE_SECONDS, "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FAIR_SHARE must be true or false")
                .hasMessageContaining("LEASE_SECONDS must be from 5");
    }
}
