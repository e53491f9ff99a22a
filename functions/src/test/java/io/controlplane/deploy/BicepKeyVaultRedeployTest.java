package io.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A region can be deployed again after its resource group was deleted. The Key Vault has purge
 * protection, so its name stays taken by the soft-deleted vault for the retention period, and the
 * name is derived from subscription, resource group and region: the same again. The templates keep
 * that name on purpose (job specs reference the vault's secrets by URI) and recover the deleted vault
 * with {@code keyVaultCreateMode=recover}; docs/deployment.md says when and how.
 */
class BicepKeyVaultRedeployTest {

    private static JsonNode description;
    private static JsonNode main;
    private static JsonNode keyVaultModule;

    @BeforeAll
    static void describeTemplates() throws Exception {
        description = BicepChecker.describe();
        main = description.path("files").path("bicep/main.bicep");
        keyVaultModule = description.path("files").path("bicep/modules/key-vault.bicep");
    }

    private static JsonNode vault() {
        for (JsonNode resource : keyVaultModule.path("resources")) {
            if (resource.path("type").asText().startsWith("Microsoft.KeyVault/vaults@")) {
                return resource.path("body");
            }
        }
        throw new AssertionError("no Microsoft.KeyVault/vaults resource in key-vault.bicep");
    }

    @Test
    void theVaultsNameIsTheSameOnEveryDeploymentOfARegionSoItsSecretUrisHold() {
        String name = main.path("vars").path("names").path("keyVault").path("expression").asText();
        String suffix = main.path("vars").path("suffix").path("expression").asText();
        assertThat(name).contains("${suffix}");
        // Nothing that changes from one run to the next: a new name would orphan every credentialRef.
        assertThat(suffix).startsWith("uniqueString(").doesNotContain("deployment()", "utcNow", "newGuid");
        assertThat(vault().path("properties").path("enablePurgeProtection").asBoolean()).isTrue();
    }

    @Test
    void aDeletedVaultIsRecoveredByTheDeploymentWhenAskedAndOnlyThen() {
        JsonNode parameter = main.path("params").path("keyVaultCreateMode");
        assertThat(parameter.path("default").asText()).isEqualTo("default");
        List<String> allowed = new ArrayList<>();
        parameter.path("allowed").forEach(v -> allowed.add(v.asText()));
        assertThat(allowed).containsExactly("default", "recover");

        JsonNode call = null;
        for (JsonNode module : main.path("modules")) {
            if ("modules/key-vault.bicep".equals(module.path("path").asText())) {
                call = module;
            }
        }
        assertThat(call).as("main.bicep deploys key-vault.bicep").isNotNull();
        assertThat(call.path("params").path("createMode").path("expression").asText()).isEqualTo("keyVaultCreateMode");
        assertThat(vault().path("properties").path("createMode").path("expression").asText()).isEqualTo("createMode");

        // A parameter file saying recover would make every later deployment try to recover a vault
        // that is no longer deleted: recovery is a one-off --parameter.
        description.path("parameterFiles").fields().forEachRemaining(file ->
                assertThat(file.getValue().has("keyVaultCreateMode")).as("%s sets keyVaultCreateMode", file.getKey()).isFalse());
    }

    @Test
    void theDeploymentGuideSaysHowToRedeployAfterTheResourceGroupWasDeleted() throws Exception {
        String guide = Files.readString(BicepChecker.repositoryRoot().resolve("docs/deployment.md"));
        assertThat(guide).contains("--parameter keyVaultCreateMode=recover", "az keyvault list-deleted");
    }
}
