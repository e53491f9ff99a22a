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
        Lease lease = new Lease("L", "J", 1, null, spec, List.of(), List.of(), false);

        assertThat(SimulatedJob.duration(lease, config)).isEqualTo(Duration.ofMillis(1234));
        assertThat(SimulatedJob.duration(lease, config.toBuilder().specDurationWins(false).build()))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(SimulatedJob.duration(new Lease("L", "J", 1, null, null, null, null, false), config))
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

    @Test
    void a_job_is_throttled_only_when_it_touches_the_organisation() {
        AgentConfig throttling = config.toBuilder()
                .throttling("dev.azure.com:contoso", Duration.ofMillis(500), 30, null).build();

        assertThat(SimulatedJob.throttle(lease("{}"), throttling)).contains(throttling.throttle());
        assertThat(SimulatedJob.throttle(lease("{}"), config)).as("the agent throttles nothing").isEmpty();
        assertThat(SimulatedJob.throttle(lease("{}"), config.toBuilder()
                .throttling("github.com:contoso", Duration.ZERO, 30, null).build())).isEmpty();
    }

    @Test
    void the_spec_names_its_own_throttle_with_the_agents_settings_as_defaults() {
        AgentConfig throttling = config.toBuilder()
                .throttling("dev.azure.com:contoso", Duration.ofMillis(500), 30, 5).build();

        assertThat(SimulatedJob.throttle(lease("""
                {"simulation":{"throttleOrganisation":"Dev.Azure.com:Fabrikam","throttleAfterMs":200,
                               "throttleRetryAfterSeconds":90,"throttleRemaining":0}}"""), config))
                .contains(new AgentConfig.Throttle("dev.azure.com:fabrikam", Duration.ofMillis(200), 90, 0));
        assertThat(SimulatedJob.throttle(lease("{\"simulation\":{\"throttleOrganisation\":\"dev.azure.com:fabrikam\"}}"),
                throttling)).contains(new AgentConfig.Throttle("dev.azure.com:fabrikam", Duration.ofMillis(500), 30, 5));
        assertThat(SimulatedJob.throttle(lease("""
                {"simulation":{"throttleOrganisation":"not a key","throttleAfterMs":-1,
                               "throttleRetryAfterSeconds":86401,"throttleRemaining":"none"}}"""), throttling))
                .as("what the spec says wrong is the agent's").contains(throttling.throttle());
        assertThat(SimulatedJob.throttle(lease("{\"simulation\":{\"throttleOrganisation\":\"github.com:x\"}}"),
                throttling)).as("a spec naming an organisation its job does not touch").isEmpty();
    }

    /** The fake's spec (source dev.azure.com/contoso, target dev.azure.com/fabrikam) with this config. */
    private static com.fasterxml.jackson.databind.JsonNode spec(String config) {
        try {
            return Jackson.MAPPER.readTree(FakeControlPlane.leaseJson("L", "J", 1, config, false, "[]")).path("spec");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Lease lease(String config) {
        return new Lease("L", "J", 1, null, spec(config), List.of("dev.azure.com:contoso", "dev.azure.com:fabrikam"), List.of(), false);
    }

    private static Checkpoint cursor(String name, int percent, long epoch) {
        return new Checkpoint(name, CheckpointKind.CURSOR, Jackson.MAPPER.createObjectNode().put("percent", percent),
                epoch, Instant.parse("2030-01-01T00:00:00Z"));
    }

    private static Lease lease(Checkpoint... checkpoints) {
        return new Lease("L", "J", 4, null, null, List.of(), List.of(checkpoints), true);
    }
}
