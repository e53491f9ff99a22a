package io.controlplane.validation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recognises raw credentials in a job spec. A spec may only ever carry references to secrets
 * (Key Vault secret URIs or {@code env:} names); anything that looks like the secret itself is
 * refused, so no credential is ever stored or logged by the control plane.
 */
public final class SecretScanner {

    private record Rule(String kind, Pattern pattern) {
    }

    private static final List<Rule> VALUE_RULES = List.of(
            new Rule("private key", Pattern.compile("-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")),
            new Rule("JSON Web Token", Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*")),
            new Rule("connection string with a key or password", Pattern.compile(
                    "(?i)(^|;)\\s*(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|ClientSecret)\\s*=\\s*[^;\\s]+")),
            new Rule("shared access signature", Pattern.compile("(?i)[?&]sig=[A-Za-z0-9%+/=]{10,}")),
            new Rule("GitHub token", Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})")),
            new Rule("Azure DevOps personal access token", Pattern.compile("(^|[^A-Za-z0-9])([a-z2-7]{52})($|[^A-Za-z0-9])")),
            new Rule("Azure DevOps personal access token", Pattern.compile("\\b[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}\\b")),
            new Rule("storage account key", Pattern.compile("(^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{86}==")),
            new Rule("AWS access key", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b")),
            new Rule("Slack token", Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}")),
            new Rule("authorization header value", Pattern.compile(
                    "(?i)^\\s*(Authorization\\s*:\\s*)?(Bearer|Basic)\\s+[A-Za-z0-9._~+/=-]{16,}\\s*$")),
            // The user may be empty: https://:PAT@dev.azure.com/org is the usual way to put a PAT in a URL.
            new Rule("URL with embedded credentials", Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^/\\s@]+@")));

    /** Field names whose string value must be a reference, never the secret itself. */
    private static final Set<String> SECRET_NAMES = Set.of(
            "password", "passwd", "pwd", "secret", "clientsecret", "token", "accesstoken", "pat",
            "personalaccesstoken", "apikey", "accesskey", "accountkey", "privatekey", "connectionstring",
            "credential", "credentials", "sharedaccesskey", "sastoken", "bearertoken", "authorization");

    /**
     * Endings that make a compound name secret too ({@code sourcePassword}, {@code webhookSecret}).
     * Not a bare "token": {@code continuationToken} and the like are not credentials.
     */
    private static final List<String> SECRET_NAME_ENDINGS = List.of(
            "password", "passwd", "secret", "apikey", "accesskey", "accountkey", "privatekey", "connectionstring",
            "accesstoken", "authtoken", "apitoken", "refreshtoken", "sastoken", "bearertoken", "personalaccesstoken");

    private SecretScanner() {
    }

    /** The kind of raw secret a string value carries, if any. */
    public static Optional<String> secretIn(String value) {
        for (Rule rule : VALUE_RULES) {
            if (rule.pattern().matcher(value).find()) {
                return Optional.of(rule.kind());
            }
        }
        return Optional.empty();
    }

    /** True when a field of this name holds a secret, so its value may only be a reference. */
    public static boolean isSecretFieldName(String fieldName) {
        String normalised = fieldName.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return SECRET_NAMES.contains(normalised) || SECRET_NAME_ENDINGS.stream().anyMatch(normalised::endsWith);
    }

    /** A Key Vault secret URI or an {@code env:NAME} reference. */
    public static boolean isSecretReference(String value) {
        return CredentialReferences.isValid(value);
    }
}
