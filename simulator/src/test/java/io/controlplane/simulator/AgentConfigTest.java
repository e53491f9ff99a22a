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
        assertThatThrownBy(() -> AgentConfig.builder("a").throttling("dev.azure.com/contoso", Duration.ZERO, 60, null))
                .hasMessageContaining("organisation key");
        assertThatThrownBy(() -> AgentConfig.builder("a").throttling(null, Duration.ofMillis(-1), 60, null))
                .hasMessageContaining("throttle after");
        assertThatThrownBy(() -> AgentConfig.builder("a").throttling(null, Duration.ZERO, 86_401, null))
                .hasMessageContaining("retryAfterSeconds");
        assertThatThrownBy(() -> AgentConfig.builder("a").throttling(null, Duration.ZERO, 60, -1))
                .hasMessageContaining("remaining");
    }

    @Test
    void a_throttle_organisation_is_lower_cased_and_none_by_default() {
        assertThat(AgentConfig.builder("a").build().throttle()).isEqualTo(AgentConfig.Throttle.NONE);
        assertThat(AgentConfig.builder("a").throttling(" TFS.Contoso.local:DefaultCollection ", Duration.ZERO, 0, 0)
                .build().throttle().organisation()).isEqualTo("tfs.contoso.local:defaultcollection");
    }

    @Test
    void to_builder_round_trips() {
        AgentConfig config = AgentConfig.builder("a").slots(3).failing(0.5, false).seed(1L)
                .throttling("github.com:fabrikam", Duration.ofMillis(250), 30, 2).build();

        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.registration().slots()).isEqualTo(3);
    }
}
