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
    void throttle_options_reach_the_agent_config() {
        AgentConfig config = SimulatorOptions.parse("--throttle-organisation", "Dev.Azure.com:Contoso",
                "--throttle-after-ms", "1500", "--throttle-retry-after-seconds", "30", "--throttle-remaining", "0")
                .agent(2);

        assertThat(config.throttle()).isEqualTo(new AgentConfig.Throttle("dev.azure.com:contoso",
                Duration.ofMillis(1500), 30, 0));
        assertThat(SimulatorOptions.parse().agent(1).throttle()).isEqualTo(AgentConfig.Throttle.NONE);
        assertThat(SimulatorOptions.parse("--throttle-after-ms", "0").agent(1).throttle())
                .as("defaults for the jobs whose spec names an organisation")
                .isEqualTo(new AgentConfig.Throttle(null, Duration.ZERO, 60, null));
    }

    @Test
    void bad_throttle_values_say_which_and_why() {
        assertThatThrownBy(() -> SimulatorOptions.parse("--throttle-organisation", "https://dev.azure.com/contoso"))
                .isInstanceOf(SimulatorOptions.UsageException.class).hasMessageContaining("organisation key")
                .hasMessageContaining("'https://dev.azure.com/contoso'");
        assertThatThrownBy(() -> SimulatorOptions.parse("--throttle-after-ms", "-1"))
                .isInstanceOf(SimulatorOptions.UsageException.class).hasMessage("throttle after must be zero or more, was -1 ms");
        assertThatThrownBy(() -> SimulatorOptions.parse("--throttle-after-ms", "soon"))
                .isInstanceOf(SimulatorOptions.UsageException.class)
                .hasMessage("--throttle-after-ms needs a number, got 'soon'");
        assertThatThrownBy(() -> SimulatorOptions.parse("--throttle-retry-after-seconds", "86401"))
                .isInstanceOf(SimulatorOptions.UsageException.class)
                .hasMessage("throttle retryAfterSeconds must be 0..86400, was 86401");
        assertThatThrownBy(() -> SimulatorOptions.parse("--throttle-retry-after-seconds", "-5"))
                .isInstanceOf(SimulatorOptions.UsageException.class).hasMessageContaining("0..86400");
        assertThatThrownBy(() -> SimulatorOptions.parse("--throttle-remaining", "-1"))
                .isInstanceOf(SimulatorOptions.UsageException.class)
                .hasMessage("throttle remaining must be at least 0, was -1");
        assertThatThrownBy(() -> SimulatorOptions.parse("--throttle-remaining", "some"))
                .isInstanceOf(SimulatorOptions.UsageException.class)
                .hasMessage("--throttle-remaining needs a number, got 'some'");
        assertThatThrownBy(() -> SimulatorOptions.parse("--throttle-organisation"))
                .isInstanceOf(SimulatorOptions.UsageException.class)
                .hasMessage("--throttle-organisation needs a value");
        assertThat(SimulatorOptions.USAGE).contains("--throttle-organisation", "--throttle-after-ms",
                "--throttle-retry-after-seconds", "--throttle-remaining", "config.simulation.throttleOrganisation");
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
