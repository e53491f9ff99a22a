package io.controlplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedJobTest {

    private final AgentConfig config = AgentConfig.builder("sim-1").jobDuration(Duration.ofSeconds(3)).build();

    @Test
    void the_spec_duration_wins_unless_told_otherwise() {
        ObjectNode spec = Jackson.MAPPER.createObjectNode();
        spec.putObject("config").putObject("simulation").put("durationMs", 1234);
        Lease lease = new Lease("L", "J", 1, null, spec, List.of(), false);

        assertThat(SimulatedJob.duration(lease, config)).isEqualTo(Duration.ofMillis(1234));
        assertThat(SimulatedJob.duration(lease, config.toBuilder().specDurationWins(false).build()))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(SimulatedJob.duration(new Lease("L", "J", 1, null, null, null, false), config))
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void resume_prefers_the_simulation_checkpoint_then_the_newest_cursor_with_a_percent() {
        Checkpoint own = cursor("simulation", 30, 1);
        Checkpoint other = cursor("other", 70, 2);
        Checkpoint git = new Checkpoint("main", CheckpointKind.GIT,
                Jackson.MAPPER.createObjectNode().put("commit", "abc"), 3, null);

        assertThat(SimulatedJob.resumePercent(lease(own, other, git))).isEqualTo(30);
        assertThat(SimulatedJob.resumePercent(lease(other, git))).isEqualTo(70);
        assertThat(SimulatedJob.resumePercent(lease(git))).isZero();
        assertThat(SimulatedJob.resumePercent(lease(cursor("simulation", 250, 1)))).isEqualTo(100);
    }

    private static Checkpoint cursor(String name, int percent, long epoch) {
        return new Checkpoint(name, CheckpointKind.CURSOR, Jackson.MAPPER.createObjectNode().put("percent", percent),
                epoch, Instant.parse("2030-01-01T00:00:00Z"));
    }

    private static Lease lease(Checkpoint... checkpoints) {
        return new Lease("L", "J", 4, null, null, List.of(checkpoints), true);
    }
}
