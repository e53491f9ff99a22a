package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tenant's job may name only its own credentials: Key Vaults its entitlement lists, env:
 * references only with its own agent pools (and then only those pools run it), and endpoint hosts
 * that are not the operator's private network. Every refusal is a 400 naming the field, and stores
 * nothing.
 */
class CredentialBindingApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String admin = api.adminToken();
    private final String contoso = api.clientToken("contoso");

    private void entitle(String tenant, String keyVaults, String envPools) {
        ApiResponse r = api.call("PUT", "/api/admin/tenants/" + tenant, admin,
                "{\"tier\":\"Platinum\",\"keyVaults\":" + keyVaults + ",\"envPools\":" + envPools + "}");
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    }

    private static String withRefs(String source, String target) {
        return ApiFixture.SPEC.replace("https://kv-contoso.vault.azure.net/secrets/src-pat", source)
                .replace("https://kv-contoso.vault.azure.net/secrets/tgt-pat", target);
    }

    private List<String> refusedFields(ApiResponse response) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(400);
        assertThat(response.bodyText()).contains(ProblemType.URI_PREFIX + "validation");
        List<String> fields = new ArrayList<>();
        api.body(response).get("errors").forEach(e -> fields.add(e.get("field").asText()));
        return fields;
    }

    @Test
    void theSpecHoldsTheReferencesTheseTestsReplace() {
        assertThat(ApiFixture.SPEC).contains("https://kv-contoso.vault.azure.net/secrets/src-pat")
                .contains("https://kv-contoso.vault.azure.net/secrets/tgt-pat").contains("https://dev.azure.com/contoso");
    }

    @Test
    void anotherTenantsVaultIsRefusedNamingTheFieldAndNothingIsStored() {
        entitle("contoso", "[\"kv-contoso\",\"kv-shared/contoso-\"]", "[]");
        entitle("fabrikam", "[\"kv-fabrikam\"]", "[]");
        Object before = api.storedState();

        ApiResponse crossTenant = api.call("POST", "/api/jobs", contoso, withRefs("https://kv-fabrikam.vault.azure.net/secrets/src-pat",
                "https://kv-shared.vault.azure.net/secrets/fabrikam-tgt-pat"));

        assertThat(refusedFields(crossTenant)).containsExactly("source.credentialRef", "target.credentialRef");
        assertThat(api.storedState()).isEqualTo(before);
        assertThat(api.intake.published()).isEmpty();
        ApiResponse own = api.call("POST", "/api/jobs", contoso, withRefs("https://kv-contoso.vault.azure.net/secrets/src-pat",
                "https://kv-shared.vault.azure.net/secrets/contoso-tgt-pat"));
        assertThat(own.status()).as(own.bodyText()).isEqualTo(201);
    }

    @Test
    void anEntitlementWithoutVaultsAllowsNoKeyVaultReference() {
        entitle("contoso", "[]", "[]");

        assertThat(refusedFields(api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC)))
                .containsExactly("source.credentialRef", "target.credentialRef");
    }

    @Test
    void envReferencesAreRefusedOutsideTheTenantsOwnPools() {
        entitle("contoso", "[\"kv-contoso\"]", "[]");
        Object before = api.storedState();

        ApiResponse env = api.call("POST", "/api/jobs", contoso, withRefs("env:SOURCE_PAT",
                "https://kv-contoso.vault.azure.net/secrets/tgt-pat"));

        assertThat(refusedFields(env)).containsExactly("source.credentialRef");
        assertThat(api.body(env).get("errors").get(0).get("message").asText()).contains("envPools");
        assertThat(api.storedState()).isEqualTo(before);
    }

    @Test
    void aJobWithEnvReferencesIsLeasedOnlyToTheTenantsOwnPools() {
        entitle("contoso", "[\"kv-contoso\"]", "[\"contoso-selfhosted\"]");
        String shared = api.agentToken("shared-we-01");
        String own = api.agentToken("contoso-we-01");
        assertThat(api.call("PUT", "/api/agents/shared-we-01", shared,
                "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"],\"slots\":2}").status()).isEqualTo(200);
        assertThat(api.call("PUT", "/api/agents/contoso-we-01", own,
                "{\"region\":\"westeurope\",\"pool\":\"contoso-selfhosted\",\"capabilities\":[\"azure-devops\"],\"slots\":2}")
                .status()).isEqualTo(200);

        ApiResponse submitted = api.call("POST", "/api/jobs", contoso, withRefs("env:SOURCE_PAT", "env:TARGET_PAT"));
        assertThat(submitted.status()).as(submitted.bodyText()).isEqualTo(201);
        String jobId = api.body(submitted).get("id").asText();

        assertThat(api.call("POST", "/api/agents/shared-we-01/lease?waitSeconds=0", shared, null).status())
                .as("a shared agent would read env:SOURCE_PAT from its own environment").isEqualTo(204);
        ApiResponse leased = api.call("POST", "/api/agents/contoso-we-01/lease?waitSeconds=0", own, null);
        assertThat(leased.status()).as(leased.bodyText()).isEqualTo(200);
        JsonNode lease = api.body(leased);
        assertThat(lease.get("jobId").asText()).isEqualTo(jobId);
        assertThat(lease.get("tenantId").asText()).as("agents re-check references against the tenant").isEqualTo("contoso");
    }

    @Test
    void aTenantsOtherJobsStillGoToSharedAgents() {
        entitle("contoso", "[\"kv-contoso\"]", "[\"contoso-selfhosted\"]");
        String shared = api.agentToken("shared-we-01");
        api.call("PUT", "/api/agents/shared-we-01", shared, "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"],\"slots\":2}");

        assertThat(api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC).status()).isEqualTo(201);

        assertThat(api.call("POST", "/api/agents/shared-we-01/lease?waitSeconds=0", shared, null).status()).isEqualTo(200);
    }

    @Test
    void endpointsOnMetadataPrivateOrLocalAddressesAreRefusedAndNothingIsStored() {
        Object before = api.storedState();
        String metadata = ApiFixture.SPEC.replace("https://dev.azure.com/contoso", "https://169.254.169.254/metadata")
                .replace("https://dev.azure.com/fabrikam", "https://10.0.0.4/tfs");

        assertThat(refusedFields(api.call("POST", "/api/jobs", contoso, metadata))).containsExactly("source.url", "target.url");
        String local = ApiFixture.SPEC.replace("https://dev.azure.com/contoso", "https://metadata.google.internal/x")
                .replace("https://dev.azure.com/fabrikam", "https://[::ffff:127.0.0.1]/y");
        assertThat(refusedFields(api.call("POST", "/api/jobs", contoso, local))).containsExactly("source.url", "target.url");
        assertThat(api.storedState()).isEqualTo(before);
    }

    @Test
    void theEntitlementShowsAndValidatesItsVaultsAndPools() {
        ApiResponse stored = api.call("PUT", "/api/admin/tenants/contoso", admin,
                "{\"tier\":\"Premium\",\"keyVaults\":[\"KV-Contoso\",\"kv-shared/contoso-\"],\"envPools\":[\"contoso-selfhosted\"]}");
        assertThat(stored.status()).as(stored.bodyText()).isEqualTo(200);
        assertThat(api.body(stored).get("keyVaults").toString()).isEqualTo("[\"kv-contoso\",\"kv-shared/contoso-\"]");
        assertThat(api.body(stored).get("envPools").toString()).isEqualTo("[\"contoso-selfhosted\"]");

        ApiResponse bad = api.call("PUT", "/api/admin/tenants/contoso", admin,
                "{\"tier\":\"Premium\",\"keyVaults\":[\"https://kv.vault.azure.net\",\"k\"],\"envPools\":[\"Not A Pool\"]}");
        assertThat(refusedFields(bad)).containsExactly("keyVaults[0]", "keyVaults[1]", "envPools[0]");
    }
}
