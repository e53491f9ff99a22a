package io.controlplane.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A bearer token obtained by running a command (e.g. {@code scripts/dev-token.sh ... --subject {agentId}}),
 * kept until it is within {@link #REFRESH_BEFORE} of its expiry and then fetched again.
 *
 * <p>The expiry is the JWT's {@code exp} claim, read without verifying the signature: the token is
 * the agent's own, and the control plane is what checks it. A token whose expiry cannot be read is
 * fetched again after {@link #REFRESH_BEFORE}. When a refresh fails while the old token is still
 * valid, the old one is used and the refresh is tried again at the next call.
 *
 * <p>Thread-safe; one fetch at a time.
 */
public final class CommandToken implements Supplier<String> {

    /** Refresh a token this long before it expires. */
    public static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(5);

    /** Where a token comes from. */
    @FunctionalInterface
    public interface Source {
        String fetch() throws IOException;
    }

    private final Source source;
    private final Clock clock;
    private String token;
    private Instant refreshAt = Instant.MIN;
    private Instant expiresAt = Instant.MIN;
    private int fetches;

    public CommandToken(Source source, Clock clock) {
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A token from a command line run in {@code workingDirectory}; {@code {agentId}} in any word is
     * replaced by {@code agentId}. The words are split like a shell would (spaces, single and double
     * quotes, backslash) but no shell runs, so the substitution can never inject anything.
     */
    public static CommandToken ofCommand(String commandLine, String agentId, Path workingDirectory, Clock clock) {
        List<String> command = words(commandLine).stream().map(word -> word.replace("{agentId}", agentId)).toList();
        if (command.isEmpty()) {
            throw new IllegalArgumentException("the token command is empty");
        }
        return new CommandToken(() -> run(command, workingDirectory), clock);
    }

    @Override
    public synchronized String get() {
        Instant now = clock.instant();
        if (token != null && now.isBefore(refreshAt)) {
            return token;
        }
        String fresh;
        try {
            fresh = source.fetch();
            if (fresh == null || fresh.isBlank()) {
                throw new IOException("the token command printed no token");
            }
        } catch (IOException | RuntimeException e) {
            if (token != null && now.isBefore(expiresAt)) {
                return token; // still good for a while; try again next time
            }
            throw e instanceof UncheckedIOException unchecked ? unchecked
                    : new UncheckedIOException("could not get a token: " + e.getMessage(),
                            e instanceof IOException io ? io : new IOException(e));
        }
        fetches++;
        token = fresh.trim();
        Optional<Instant> exp = expiry(token);
        expiresAt = exp.orElse(now.plus(REFRESH_BEFORE));
        refreshAt = exp.map(e -> e.minus(REFRESH_BEFORE)).orElse(now.plus(REFRESH_BEFORE));
        return token;
    }

    /** How many tokens were fetched so far (for tests and diagnostics). */
    public synchronized int fetches() {
        return fetches;
    }

    /** The {@code exp} claim of a JWT, unverified; empty when the token is not a JWT or has none. */
    static Optional<Instant> expiry(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(parts[1].replace('+', '-').replace('/', '_')
                    .replace("=", ""));
            JsonNode claims = Jackson.MAPPER.readTree(payload);
            JsonNode exp = claims == null ? null : claims.get("exp");
            return exp != null && exp.canConvertToLong() ? Optional.of(Instant.ofEpochSecond(exp.asLong()))
                    : Optional.empty();
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    /** Splits a command line into words: whitespace separates, quotes group, backslash escapes. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed " + quote + " in the command line");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Runs the command; its last non-empty output line is the token. Its errors go to ours. */
    private static String run(List<String> command, Path workingDirectory) throws IOException {
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        String output;
        try (InputStream out = process.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("the token command did not finish within " + COMMAND_TIMEOUT);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the token command");
        }
        if (process.exitValue() != 0) {
            throw new IOException("the token command " + command.get(0) + " exited with " + process.exitValue());
        }
        return output.lines().map(String::trim).filter(line -> !line.isEmpty())
                .reduce((first, second) -> second).orElse("");
    }
}
