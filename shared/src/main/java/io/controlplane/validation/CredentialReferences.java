package io.controlplane.validation;

import io.controlplane.domain.CredentialReference;

/**
 * The two shapes a credential reference may take: a Key Vault secret URI (Azure public, China and
 * US Government clouds), or {@code env:NAME} for self-hosted agents that read the secret from
 * their own environment. Which vaults and pools a tenant's references may use is its
 * entitlement's business ({@link io.controlplane.domain.TenantEntitlement#credentialProblems}).
 */
public final class CredentialReferences {

    private CredentialReferences() {
    }

    public static boolean isValid(String value) {
        return CredentialReference.parse(value).isPresent();
    }
}
