package io.controlplane.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Credential references are bound to the tenant: its own vaults, env: only with its own pools. */
class TenantEntitlementTest {

    private static JobSpec spec(String sourceRef, String targetRef, Map<String, Object> config) {
        JobSpec base = JobSpecs.aJobSpec().build();
        return JobSpecs.aJobSpec()
                .withSource(new Endpoint(base.source().type(), base.source().url(), base.source().project(), sourceRef))
                .withTarget(new Endpoint(base.target().type(), base.target().url(), base.target().project(), targetRef))
                .withConfig(config)
                .build();
    }

    private static TenantEntitlement contoso(Set<String> keyVaults, Set<String> envPools) {
        return new TenantEntitlement("contoso", Tier.Platinum, Set.of(), null, 10, keyVaults, envPools);
    }

    @Test
    void referencesToTheTenantsOwnVaultsAreAccepted() {
        JobSpec own = spec("https://kv-contoso.vault.azure.net/secrets/src-pat",
                "https://KV-Shared.vault.azure.net/secrets/Contoso-tgt/0123456789abcdef0123456789abcdef", Map.of());

        assertThat(contoso(Set.of("kv-contoso", "kv-shared/contoso-"), Set.of()).credentialProblems(own)).isEmpty();
    }

    @Test
    void anotherTenantsVaultOrSecretIsRefusedNamingEachField() {
        JobSpec crossTenant = spec("https://kv-fabrikam.vault.azure.net/secrets/src-pat",
                "https://kv-shared.vault.azure.net/secrets/fabrikam-tgt",
                Map.of("processors", List.of(Map.of("password", "https://kv-fabrikam.vault.azure.net/secrets/wiql"))));

        List<FieldError> problems = contoso(Set.of("kv-contoso", "kv-shared/contoso-"), Set.of()).credentialProblems(crossTenant);

        assertThat(problems).extracting(FieldError::field)
                .containsExactly("source.credentialRef", "target.credentialRef", "config.processors[0].password");
        assertThat(problems.get(0).message()).contains("kv-fabrikam", "does not list", "PUT /api/admin/tenants/contoso");
        assertThat(problems.get(1).message()).contains("outside the secret-name prefixes");
    }

    @Test
    void withoutAVaultListNoKeyVaultReferenceIsAccepted() {
        assertThat(contoso(Set.of(), Set.of()).credentialProblems(spec("https://kv-contoso.vault.azure.net/secrets/src-pat", null,
                Map.of()))).extracting(FieldError::field).containsExactly("source.credentialRef");
    }

    @Test
    void envReferencesNeedTheTenantsOwnPools() {
        JobSpec env = spec("env:SOURCE_PAT", null, Map.of());

        assertThat(contoso(Set.of(), Set.of()).credentialProblems(env)).extracting(FieldError::field)
                .containsExactly("source.credentialRef");
        assertThat(contoso(Set.of(), Set.of("contoso-selfhosted")).credentialProblems(env)).isEmpty();
        assertThat(CredentialReference.anyEnvIn(env)).isTrue();
        assertThat(CredentialReference.anyEnvIn(spec("https://kv-contoso.vault.azure.net/secrets/x", null, Map.of()))).isFalse();
    }
}
