package io.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/deploy.sh against a stand-in {@code az} that records its arguments (no Azure here): the
 * region's template, parameter file and resource group reach az as documented, --what-if changes
 * nothing, and a machine without az is told so.
 */
class DeployScriptTest {

    private static final String FAKE_AZ = """
            #!/usr/bin/env bash
            echo "$*" >> "$AZ_LOG"
            case "$*" in
              "group exists"*) echo "${AZ_GROUP_EXISTS:-false}" ;;
              "deployment group show"*functionAppName*) echo func-cp-eastus-abc123 ;;
              "deployment group show"*functionAppUrl*) echo https://func-cp-eastus-abc123.azurewebsites.net/api ;;
              "deployment group create"*) echo '{}' ;;
            esac
            """;

    private record Run(int exitCode, String output, List<String> azCalls) {
    }

    @Test
    void itDeploysTheRegionsTemplateAndParameterFileIntoTheRegionsResourceGroup(@TempDir Path dir) throws Exception {
        Run run = deploy(dir, Map.of("AZ_GROUP_EXISTS", "false"), "eastus", "--parameter", "deployContainerApps=false");
        Path root = BicepChecker.repositoryRoot();

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.azCalls()).anySatisfy(call -> assertThat(call)
                .startsWith("group create").contains("--name rg-controlplane-eastus --location eastus"));
        assertThat(run.azCalls()).anySatisfy(call -> assertThat(call)
                .startsWith("deployment group create")
                .contains("--resource-group rg-controlplane-eastus")
                .contains("--name controlplane-eastus-")
                .contains("--template-file " + root.resolve("bicep/main.bicep"))
                .contains("--parameters @" + root.resolve("bicep/parameters/eastus.parameters.json"))
                .contains("--parameters deployContainerApps=false"));
        assertThat(run.output()).contains("https://func-cp-eastus-abc123.azurewebsites.net/api");
    }

    @Test
    void whatIfShowsTheChangesAndMakesNone(@TempDir Path dir) throws Exception {
        Run run = deploy(dir, Map.of("AZ_GROUP_EXISTS", "true"), "--what-if", "westeurope");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.azCalls()).anySatisfy(call -> assertThat(call).startsWith("deployment group what-if")
                .contains("--resource-group rg-controlplane-westeurope"));
        assertThat(run.azCalls()).noneMatch(call -> call.startsWith("deployment group create") || call.startsWith("group create"));
    }

    @Test
    void whatIfDoesNotCreateAMissingResourceGroup(@TempDir Path dir) throws Exception {
        Run run = deploy(dir, Map.of("AZ_GROUP_EXISTS", "false"), "--what-if", "northeurope");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("rg-controlplane-northeurope does not exist yet");
        assertThat(run.azCalls()).noneMatch(call -> call.startsWith("group create") || call.startsWith("deployment"));
    }

    @Test
    void aRegionWithoutAParameterFileIsRefusedBeforeAzIsAsked(@TempDir Path dir) throws Exception {
        Run run = deploy(dir, Map.of(), "southpole");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("no parameter file for southpole").contains("eastus");
        assertThat(run.azCalls()).isEmpty();
    }

    @Test
    void withoutAzItFailsAndSaysHowToGetIt(@TempDir Path dir) throws Exception {
        // A PATH holding only what the script needs before it looks for az.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("dirname"), which("dirname"));
        ProcessBuilder builder = new ProcessBuilder(which("bash").toString(), script().toString(), "eastus").redirectErrorStream(true);
        builder.environment().put("PATH", bin.toString());
        Run run = run(builder, null);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.output()).contains("the Azure CLI (az) is missing").contains("install-azure-cli");
    }

    private static Run deploy(Path dir, Map<String, String> environment, String... arguments) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path az = bin.resolve("az");
        Files.writeString(az, FAKE_AZ, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(az, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = dir.resolve("az.log");
        Files.createFile(log);

        List<String> command = new ArrayList<>(List.of(which("bash").toString(), script().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        builder.environment().put("AZ_LOG", log.toString());
        builder.environment().remove("RESOURCE_GROUP_PREFIX");
        builder.environment().putAll(environment);
        return run(builder, log);
    }

    private static Run run(ProcessBuilder builder, Path azLog) throws Exception {
        Process process = builder.directory(BicepChecker.repositoryRoot().toFile()).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("deploy.sh finished").isTrue();
        List<String> calls = azLog == null ? List.of() : Files.readAllLines(azLog).stream()
                // az's global options come right after the command group; compare without them.
                .map(call -> call.replace(" --only-show-errors", ""))
                .toList();
        return new Run(process.exitValue(), output, calls);
    }

    private static Path script() {
        return BicepChecker.repositoryRoot().resolve("scripts/deploy.sh");
    }

    private static Path which(String program) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new UncheckedIOException(new IOException(program + " is not on the PATH"));
    }
}
