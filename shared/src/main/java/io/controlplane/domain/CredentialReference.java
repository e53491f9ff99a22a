package io.controlplane.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a credential, never the credential: a Key Vault secret URI (Azure public, China and
 * US Government clouds) naming a vault and a secret, or {@code env:NAME}, a variable of the
 * environment of the agent that runs the job. Vault and secret names are case-insensitive in Key
 * Vault, so both are kept lower case.
 *
 * @param vault the vault name (lower case) of a Key Vault reference, else null
 * @param secret the secret name (lower case) of a Key Vault reference, else null
 * @param envName the variable name of an {@code env:} reference, else null
 */
public record CredentialReference(String vault, String secret, String envName) {

    private static final Pattern KEY_VAULT_SECRET = Pattern.compile(
            "https://([a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9])\\.vault\\.(azure\\.net|azure\\.cn|usgovcloudapi\\.net)"
                    + "/secrets/([a-zA-Z0-9-]{1,127})(/[a-f0-9]{32})?/?");
    private static final Pattern ENV_REFERENCE = Pattern.compile("env:([A-Za-z_][A-Za-z0-9_]{0,127})");

    /** A reference and where in the spec it stands ({@code source.credentialRef}, {@code config.x[0].password}). */
    public record Located(String field, CredentialReference reference) {
    }

    public static Optional<CredentialReference> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher kv = KEY_VAULT_SECRET.matcher(value);
        if (kv.matches()) {
            return Optional.of(new CredentialReference(kv.group(1).toLowerCase(Locale.ROOT), kv.group(3).toLowerCase(Locale.ROOT),
                    null));
        }
        Matcher env = ENV_REFERENCE.matcher(value);
        return env.matches() ? Optional.of(new CredentialReference(null, null, env.group(1))) : Optional.empty();
    }

    public boolean isKeyVault() {
        return vault != null;
    }

    public boolean isEnv() {
        return envName != null;
    }

    /**
     * Every reference of a spec: the endpoints' {@code credentialRef} and any string of {@code config}
     * that is a reference (a secret-named config field may hold only a reference), with its path.
     */
    public static List<Located> in(JobSpec spec) {
        List<Located> found = new ArrayList<>();
        endpoint(spec.source(), "source", found);
        endpoint(spec.target(), "target", found);
        walk(spec.config(), "config", found);
        return found;
    }

    private static void endpoint(Endpoint endpoint, String at, List<Located> found) {
        if (endpoint != null) {
            parse(endpoint.credentialRef()).ifPresent(r -> found.add(new Located(at + ".credentialRef", r)));
        }
    }

    private static void walk(Object value, String at, List<Located> found) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, at + "." + key, found));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), at + "[" + i + "]", found);
            }
        } else if (value instanceof String text) {
            parse(text).ifPresent(r -> found.add(new Located(at, r)));
        }
    }

    /** Whether the spec names any {@code env:} reference: then only the tenant's own pools may run it. */
    public static boolean anyEnvIn(JobSpec spec) {
        return in(spec).stream().anyMatch(l -> l.reference().isEnv());
    }
}
