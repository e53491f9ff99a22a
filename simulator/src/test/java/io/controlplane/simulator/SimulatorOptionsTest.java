package io.controlplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorOptionsTest {

    @Test
    void the_documented_command_line_parses() {
        SimulatorOptions options = SimulatorOptions.parse("--url", "http://127.0.0.1:7071", "--agents", "5",
                "--region", "westeurope", "--pool", "shared", "--capabilities", "azure-devops,git", "--slots", "1",
                "--job-ms", "2000", "--token-command",
                "scripts/dev-token.sh --tenant agents --roles Agents.Run --subject {agentId}");

        assertThat(options.url()).isEqualTo(URI.create("http://127.0.0.1:7071"));
        assertThat(options.agents()).isEqualTo(5);
        assertThat(options.tokenCommand()).endsWith("--subject {agentId}");
        AgentConfig third = options.agent(3);
        assertThat(third.agentId()).isEqualTo("sim-3");
        assertThat(third.capabilities()).containsExactly("azure-devops", "git");
        assertThat(third.jobDuration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(third.region()).isEqualTo("westeurope");
    }

    @Test
    void defaults_fit_a_local_run() {
        SimulatorOptions options = SimulatorOptions.parse();

        assertThat(options.url()).isEqualTo(URI.create("http://127.0.0.1:7071"));
        assertThat(options.agents()).isEqualTo(1);
        assertThat(options.tokenCommand()).isEqualTo(SimulatorOptions.DEFAULT_TOKEN_COMMAND);
        assertThat(options.agent(1).capabilities()).isEmpty();
        assertThat(options.runFor()).isNull();
    }

    @Test
    void failure_options_reach_the_agent_config() {
        AgentConfig config = SimulatorOptions.parse("--fail-fraction", "0.25", "--fail-retryable", "false",
                "--checkpoint-ms", "0", "--error-backoff-ms", "250").agent(1);

        assertThat(config.failure()).isEqualTo(new AgentConfig.FailureMode(0.25, false));
        assertThat(config.checkpointInterval()).isZero();
        assertThat(config.errorBackoff()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void bad_command_lines_say_what_is_wrong() {
        for (List<String> args : List.of(List.of("--agents", "x"), List.of("--agents", "0"), List.of("--slots"),
                List.of("--bogus", "1"), List.of("--url", "ftp://x"), List.of("--id-prefix", "a b"),
                List.of("--wait-seconds", "31"), List.of("--fail-fraction", "2"))) {
            assertThatThrownBy(() -> SimulatorOptions.parse(args.toArray(String[]::new)))
                    .as(String.join(" ", args)).isInstanceOf(SimulatorOptions.UsageException.class)
                    .hasMessageNotContaining("null");
        }
        assertThatThrownBy(() -> SimulatorOptions.parse("--help")).isInstanceOf(SimulatorOptions.UsageException.class)
                .hasMessage(null);
    }
}
