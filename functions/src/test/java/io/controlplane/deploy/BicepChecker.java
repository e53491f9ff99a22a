package io.controlplane.deploy;

import io.controlplane.testing.ProjectRoot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code scripts/check-bicep.mjs} with the {@code node} on the PATH and the repository's
 * {@code node_modules} (installed by {@code npm ci}, as for Azurite).
 */
final class BicepChecker {

    /** What one run said: its exit code and both streams. */
    record Result(int exitCode, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    private BicepChecker() {
    }

    static Path repositoryRoot() {
        return ProjectRoot.find();
    }

    /** Checks {@code root/bicep} (the repository's own when {@code root} is null). */
    /** What {@code check-bicep.mjs --describe} says of the repository's templates (parameters, resources, bodies). */
    static com.fasterxml.jackson.databind.JsonNode describe() throws IOException {
        Result result = check(null, "--describe");
        org.assertj.core.api.Assertions.assertThat(result.exitCode()).as(result.output()).isZero();
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.stdout());
    }

    static Result check(Path root, String... extraArguments) {
        Path repository = repositoryRoot();
        Path grammar = repository.resolve("node_modules/tree-sitter-bicep");
        if (!Files.isDirectory(grammar)) {
            throw new IllegalStateException("The Bicep grammar is not installed at " + grammar
                    + ": run `npm ci` in " + repository + " (scripts/test.sh does it for you)");
        }
        List<String> command = new ArrayList<>(List.of("node", repository.resolve("scripts/check-bicep.mjs").toString()));
        if (root != null) {
            command.add("--root");
            command.add(root.toString());
        }
        command.addAll(List.of(extraArguments));
        try {
            Process process = new ProcessBuilder(command).directory(repository.toFile()).start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("check-bicep.mjs did not finish within 60 s: " + command);
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command + " (is Node.js 20 on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
