package io.controlplane.validation;

import java.util.regex.Pattern;

/**
 * The two shapes a credential reference may take: a Key Vault secret URI (Azure public, China and
 * US Government clouds), or {@code env:NAME} for self-hosted agents that read the secret from
 * their own environment.
 */
public final class CredentialReferences {

    private static final Pattern KEY_VAULT_SECRET = Pattern.compile(
            "https://[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]\\.vault\\.(azure\\.net|azure\\.cn|usgovcloudapi\\.net)"
                    + "/secrets/[a-zA-Z0-9-]{1,127}(/[a-f0-9]{32})?/?");
    private static final Pattern ENV_REFERENCE = Pattern.compile("env:[A-Za-z_][A-Za-z0-9_]{0,127}");

    private CredentialReferences() {
    }

    public static boolean isValid(String value) {
        return value != null && (KEY_VAULT_SECRET.matcher(value).matches() || ENV_REFERENCE.matcher(value).matches());
    }
}
