package io.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bicep templates, checked without the Bicep CLI (it cannot be installed on these machines):
 * scripts/check-bicep.mjs parses every .bicep file with the tree-sitter Bicep grammar and compares
 * module and parameter-file parameters with what the templates declare. The other tests prove that
 * the checker does fail, on a copy of bicep/ broken on purpose.
 */
class BicepTemplatesTest {

    @Test
    void everyTemplateParsesAndEveryParameterFileMatchesMainBicep() {
        BicepChecker.Result result = BicepChecker.check(null);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.stdout()).contains("parameter file(s) match main.bicep: ok");
    }

    @Test
    void thereIsAParameterFileForEachOfAtLeastThreeRegions() throws IOException {
        try (Stream<Path> files = Files.list(BicepChecker.repositoryRoot().resolve("bicep/parameters"))) {
            List<String> regions = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".parameters.json"))
                    .map(n -> n.substring(0, n.length() - ".parameters.json".length()))
                    .toList();
            assertThat(regions).contains("westeurope", "northeurope", "eastus").hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aSyntaxErrorIsReportedWithItsFileAndLine(@TempDir Path copy) throws IOException {
        copyBicep(copy);
        Path keyVault = copy.resolve("bicep/modules/key-vault.bicep");
        int brokenLine = Files.readAllLines(keyVault).size() + 2;
        Files.writeString(keyVault, Files.readString(keyVault) + "\nresource broken 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: 'x'\n");

        BicepChecker.Result result = BicepChecker.check(copy);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.stderr()).contains("bicep/modules/key-vault.bicep:" + brokenLine + ":1: syntax error");
    }

    @Test
    void aMissingTokenIsReported(@TempDir Path copy) throws IOException {
        copyBicep(copy);
        Path monitoring = copy.resolve("bicep/modules/monitoring.bicep");
        Files.writeString(monitoring, Files.readString(monitoring).replace("param location string", "param location"));

        BicepChecker.Result result = BicepChecker.check(copy);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.stderr()).contains("bicep/modules/monitoring.bicep:").contains("syntax error");
    }

    @Test
    void aModuleGivenAParameterItDoesNotDeclareOrMissingOneItRequiresIsReported(@TempDir Path copy) throws IOException {
        copyBicep(copy);
        Path main = copy.resolve("bicep/main.bicep");
        replace(main, "    retentionInDays: logRetentionInDays", "    retentionDays: logRetentionInDays");
        replace(main, "module keyVault 'modules/key-vault.bicep'", "module keyVault 'modules/keyvault.bicep'");

        BicepChecker.Result result = BicepChecker.check(copy);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.stderr())
                .contains("module monitoring: modules/monitoring.bicep declares no parameter 'retentionDays'")
                .contains("module monitoring: required parameter 'retentionInDays' of modules/monitoring.bicep is not passed")
                .contains("module keyVault: modules/keyvault.bicep does not exist");
    }

    @Test
    void aParameterFileNamingAnUndeclaredParameterOrLackingARequiredOneIsReported(@TempDir Path copy) throws IOException {
        copyBicep(copy);
        Path eastus = copy.resolve("bicep/parameters/eastus.parameters.json");
        String text = Files.readString(eastus)
                .replace("\"authAudience\"", "\"authAudiance\"")
                .replace("\"value\": \"Standard\"", "\"value\": \"Basic\"")
                .replace("\"value\": 100", "\"value\": \"100\"");
        Files.writeString(eastus, text);

        BicepChecker.Result result = BicepChecker.check(copy);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.stderr())
                .contains("bicep/parameters/eastus.parameters.json:")
                .contains("parameter 'authAudiance' is not declared in bicep/main.bicep")
                .contains("required parameter 'authAudience' (no default in bicep/main.bicep) is not given")
                .contains("parameter 'serviceBusSku': \"Basic\" is not one of the allowed values")
                .contains("parameter 'functionMaximumInstanceCount': main.bicep declares int, the file gives string");
        assertThat(result.stderr()).doesNotContain("westeurope.parameters.json");
    }

    @Test
    void aParameterFileThatIsNotJsonIsReported(@TempDir Path copy) throws IOException {
        copyBicep(copy);
        Files.writeString(copy.resolve("bicep/parameters/northeurope.parameters.json"), "{ \"parameters\": ");

        BicepChecker.Result result = BicepChecker.check(copy);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.stderr()).contains("bicep/parameters/northeurope.parameters.json:1:1: not valid JSON");
    }

    private static void copyBicep(Path target) {
        Path source = BicepChecker.repositoryRoot().resolve("bicep");
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path destination = target.resolve("bicep").resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(text).as("%s holds %s", file, from).contains(from);
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }
}
