package io.controlplane.validation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises raw credentials in a job spec. A spec may only ever carry references to secrets
 * (Key Vault secret URIs or {@code env:} names); anything that looks like the secret itself is
 * refused, so no credential is ever stored or logged by the control plane. The same rules mask
 * credentials in free text ({@link #redact}): both hosts' log output goes through it, so a token or
 * secret logged by mistake is never written.
 */
public final class SecretScanner {

    /** A kind of raw secret; {@code secret} is the group holding the secret itself (0: the whole match). */
    private record Rule(String kind, Pattern pattern, int secret) {
        Rule(String kind, Pattern pattern) {
            this(kind, pattern, 0);
        }
    }

    // Fragments shared by a value rule (a whole spec value) and its counterpart for free text (a log line).
    private static final String CONNECTION_SECRET =
            "(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|ClientSecret)\\s*=\\s*([^;\\s]+)";
    private static final String AUTHORIZATION = "(Bearer|Basic)\\s+([A-Za-z0-9._~+/=-]{16,})";
    private static final String PRIVATE_KEY_BEGIN = "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----";
    private static final Rule JWT = new Rule("JSON Web Token",
            Pattern.compile("eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]*"));
    private static final Rule SAS = new Rule("shared access signature", Pattern.compile("(?i)[?&]sig=([A-Za-z0-9%+/=]{10,})"), 1);
    private static final Rule GITHUB = new Rule("GitHub token",
            Pattern.compile("\\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})"));
    private static final Rule ADO_PAT = new Rule("Azure DevOps personal access token",
            Pattern.compile("(?<![A-Za-z0-9])[a-z2-7]{52}(?![A-Za-z0-9])"));
    private static final Rule ADO_PAT_84 = new Rule("Azure DevOps personal access token",
            Pattern.compile("\\b[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}\\b"));
    private static final Rule STORAGE_KEY = new Rule("storage account key",
            Pattern.compile("(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}=="));
    private static final Rule AWS = new Rule("AWS access key", Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b"));
    private static final Rule SLACK = new Rule("Slack token", Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{10,}"));
    // The user may be empty: https://:PAT@dev.azure.com/org is the usual way to put a PAT in a URL.
    private static final Rule URL_CREDENTIALS = new Rule("URL with embedded credentials",
            Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://[^/\\s:@]*:([^/\\s@]+)@"), 1);

    /** Each tests a whole value (of a job spec, a checkpoint): is it, or does it carry, a raw secret? */
    private static final List<Rule> VALUE_RULES = List.of(
            new Rule("private key", Pattern.compile(PRIVATE_KEY_BEGIN)),
            JWT,
            new Rule("connection string with a key or password", Pattern.compile("(?i)(^|;)\\s*" + CONNECTION_SECRET), 3),
            SAS, GITHUB, ADO_PAT, ADO_PAT_84, STORAGE_KEY, AWS, SLACK,
            new Rule("authorization header value", Pattern.compile(
                    "(?i)^\\s*(Authorization\\s*:\\s*)?" + AUTHORIZATION + "\\s*$"), 3),
            URL_CREDENTIALS);

    /**
     * The same kinds found anywhere in free text: the rules anchored to a whole value above have
     * unanchored counterparts here. Specific rules come first, so a JWT after "Bearer" is masked whole.
     */
    private static final List<Rule> TEXT_RULES = List.of(
            new Rule("private key", Pattern.compile(PRIVATE_KEY_BEGIN
                    + "[\\s\\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)")),
            JWT,
            new Rule("connection string with a key or password", Pattern.compile("(?i)\\b" + CONNECTION_SECRET), 2),
            SAS, GITHUB, ADO_PAT, ADO_PAT_84, STORAGE_KEY, AWS, SLACK,
            new Rule("authorization header value", Pattern.compile("(?i)\\b" + AUTHORIZATION), 2),
            URL_CREDENTIALS);

    /** {@code name=value}, {@code name: value} or {@code "name":"value"} in free text; group 4 is the value. */
    private static final Pattern NAMED_VALUE = Pattern.compile(
            "(?i)\\b([A-Za-z][A-Za-z0-9_-]*)(\"?\\s*[:=]\\s*\"?)((?:Bearer|Basic)\\s+)?+([^\\s\"',;&}\\[\\]][^\\s\"',;&}\\]]*)");

    /** {@code "name":[...]} or {@code name=[...]}: group 2 is the list, each item ({@link #LIST_ITEM} group 1) a value. */
    private static final Pattern NAMED_LIST = Pattern.compile(
            "\\b([A-Za-z][A-Za-z0-9_-]*)\"?\\s*[:=]\\s*\\[(?!REDACTED])((?:\\[REDACTED]|[^\\]])*)]");
    private static final Pattern LIST_ITEM = Pattern.compile("\\[REDACTED]|\"?([^\\s\",\\[\\]]+)\"?");

    /** What {@link #redact} puts in place of a secret. */
    public static final String MASK = "[REDACTED]";

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

    /**
     * The text with every raw secret in it replaced by {@link #MASK}: the kinds {@link #secretIn}
     * recognises, wherever they stand, and the value (or list of values) of any {@code name=value}
     * or {@code "name":value} pair whose name {@linkplain #isSecretFieldName holds a secret}. References
     * are kept. For log lines: masking too much is harmless there, leaking is not.
     */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (Rule rule : TEXT_RULES) {
            result = replace(result, rule.pattern(), rule.secret(), m -> MASK);
        }
        result = replace(result, NAMED_LIST, 2, m -> isSecretFieldName(m.group(1))
                ? replace(m.group(2), LIST_ITEM, 1, item -> MASK) : m.group(2));
        return replace(result, NAMED_VALUE, 4, m -> isSecretFieldName(m.group(1)) ? MASK : m.group(4));
    }

    /** Replaces group {@code group} of each match, except a reference or what is masked already. */
    private static String replace(String text, Pattern pattern, int group, Function<Matcher, String> replacement) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String found = m.group(group);
            if (found == null || found.startsWith("[REDACTED") || isSecretReference(found)) {
                continue;
            }
            out = out == null ? new StringBuilder(text.length()) : out;
            out.append(text, last, m.start(group)).append(replacement.apply(m));
            last = m.end(group);
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
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
