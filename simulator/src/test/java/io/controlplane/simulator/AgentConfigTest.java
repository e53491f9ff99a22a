package io.controlplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    @Test
    void build_checks_every_setting() {
        assertThatThrownBy(() -> AgentConfig.builder("a/b").build()).hasMessageContaining("agentId");
        assertThatThrownBy(() -> AgentConfig.builder("a").slots(0).build()).hasMessageContaining("slots");
        assertThatThrownBy(() -> AgentConfig.builder("a").region(" ").build()).hasMessageContaining("region");
        assertThatThrownBy(() -> AgentConfig.builder("a").jobDuration(Duration.ZERO).build())
                .hasMessageContaining("jobDuration");
        assertThatThrownBy(() -> AgentConfig.builder("a").checkpointInterval(Duration.ofMillis(-1)).build())
                .hasMessageContaining("checkpointInterval");
        assertThatThrownBy(() -> AgentConfig.builder("a").leaseWaitSeconds(31).build())
                .hasMessageContaining("leaseWaitSeconds");
        assertThatThrownBy(() -> AgentConfig.builder("a").failing(1.5, true).build()).hasMessageContaining("fraction");
    }

    @Test
    void to_builder_round_trips() {
        AgentConfig config = AgentConfig.builder("a").slots(3).failing(0.5, false).seed(1L).build();

        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.registration().slots()).isEqualTo(3);
    }
}
