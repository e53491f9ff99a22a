package io.controlplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class CommandTokenTest {

    private static final Instant T0 = Instant.parse("2030-01-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(T0);

    @Test
    void a_token_is_reused_until_five_minutes_before_it_expires() {
        Deque<String> issued = new ArrayDeque<>(List.of(jwt(T0.plus(Duration.ofMinutes(60)), "a"),
                jwt(T0.plus(Duration.ofMinutes(120)), "b")));
        CommandToken token = new CommandToken(issued::pop, clock);

        String first = token.get();
        clock.advance(Duration.ofMinutes(54).plusSeconds(59));
        assertThat(token.get()).isSameAs(first);
        assertThat(token.fetches()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1)); // exactly 5 minutes left
        String second = token.get();
        assertThat(second).isNotEqualTo(first).contains(".");
        assertThat(CommandToken.expiry(second)).contains(T0.plus(Duration.ofMinutes(120)));
        assertThat(token.fetches()).isEqualTo(2);
    }

    @Test
    void a_failed_refresh_keeps_the_old_token_while_it_is_still_valid_then_fails() {
        String only = jwt(T0.plus(Duration.ofMinutes(10)), "a");
        Deque<String> issued = new ArrayDeque<>(List.of(only));
        CommandToken token = new CommandToken(() -> {
            if (issued.isEmpty()) {
                throw new IOException("issuer down");
            }
            return issued.pop();
        }, clock);

        assertThat(token.get()).isEqualTo(only);
        clock.advance(Duration.ofMinutes(6)); // refresh due, refresh fails, 4 minutes left
        assertThat(token.get()).isEqualTo(only);
        clock.advance(Duration.ofMinutes(4)); // expired now
        assertThatThrownBy(token::get).isInstanceOf(UncheckedIOException.class).hasMessageContaining("issuer down");
    }

    @Test
    void a_token_whose_expiry_cannot_be_read_is_fetched_again_after_five_minutes() {
        Deque<String> issued = new ArrayDeque<>(List.of("opaque-1", "opaque-2"));
        CommandToken token = new CommandToken(issued::pop, clock);

        assertThat(token.get()).isEqualTo("opaque-1");
        clock.advance(Duration.ofMinutes(4));
        assertThat(token.get()).isEqualTo("opaque-1");
        clock.advance(Duration.ofMinutes(1));
        assertThat(token.get()).isEqualTo("opaque-2");
    }

    @Test
    void an_empty_answer_is_an_error_not_a_token() {
        CommandToken token = new CommandToken(() -> "  \n", clock);

        assertThatThrownBy(token::get).isInstanceOf(UncheckedIOException.class).hasMessageContaining("no token");
    }

    @Test
    void expiry_reads_exp_from_the_payload_without_verifying() {
        assertThat(CommandToken.expiry(jwt(Instant.ofEpochSecond(1_900_000_000), "x")))
                .contains(Instant.ofEpochSecond(1_900_000_000));
        assertThat(CommandToken.expiry("header." + b64("{\"sub\":\"a\"}") + ".sig")).isEmpty();
        assertThat(CommandToken.expiry("not a jwt")).isEmpty();
        assertThat(CommandToken.expiry("a.%%%.c")).isEmpty();
        assertThat(CommandToken.expiry("a." + b64("[1,2]") + ".c")).isEmpty();
    }

    @Test
    void command_lines_split_like_a_shell_without_running_one() {
        assertThat(CommandToken.words("scripts/dev-token.sh --tenant agents --roles Agents.Run --subject {agentId}"))
                .containsExactly("scripts/dev-token.sh", "--tenant", "agents", "--roles", "Agents.Run", "--subject",
                        "{agentId}");
        assertThat(CommandToken.words("  a 'b c'  \"d \\\"e\\\"\" f\\ g ''")).containsExactly("a", "b c", "d \"e\"", "f g", "");
        assertThatThrownBy(() -> CommandToken.words("a 'b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void of_command_runs_the_command_per_agent_and_takes_its_last_line(@TempDir Path dir) throws IOException {
        Path script = dir.resolve("token.sh");
        Files.writeString(script, "#!/bin/sh\necho 'building...'\necho \"tok-$2-$1\"\n", StandardCharsets.UTF_8);
        assertThat(script.toFile().setExecutable(true)).isTrue();

        CommandToken token = CommandToken.ofCommand("./token.sh --subject {agentId}", "sim-7", dir, clock);

        assertThat(token.get()).isEqualTo("tok-sim-7---subject");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void a_failing_command_is_an_error_naming_its_exit_code(@TempDir Path dir) {
        CommandToken token = CommandToken.ofCommand("sh -c 'exit 3'", "sim-1", dir, clock);

        assertThatThrownBy(token::get).isInstanceOf(UncheckedIOException.class).hasMessageContaining("3");
    }

    /** An unsigned JWT-shaped token: the simulator never verifies, the control plane does. */
    static String jwt(Instant exp, String subject) {
        return b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"" + subject + "\",\"exp\":" + exp.getEpochSecond()
                + "}") + ".c2ln";
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
