package io.controlplane.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.domain.Endpoint;
import io.controlplane.domain.EndpointType;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.JobKind;
import io.controlplane.domain.JobPolicy;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.PayloadTooLargeException;
import io.controlplane.domain.RegionName;
import io.controlplane.domain.Tier;
import io.controlplane.domain.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a submitted JSON body into a {@link JobSpec}, or reports every problem at once. Checks
 * shape and types, required fields, enums, the regions this deployment serves, URL shapes, lengths,
 * key-safe identifiers, size, that credentials appear only as references, and that endpoint URLs
 * name no loopback, link-local, private or local host unless the operator allows it
 * ({@link EndpointHosts}). Which vaults and pools those references may name depends on the tenant:
 * {@link io.controlplane.app.SubmitJob} checks them against its entitlement.
 */
public final class JobSpecValidator {

    public static final int MAX_NAME_CHARS = 200;
    public static final int MAX_URL_CHARS = 2048;
    public static final int MAX_PROJECT_CHARS = 256;
    public static final int MAX_CAPABILITIES = 32;
    public static final int MAX_CONFIG_DEPTH = 32;

    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("name", "tier", "region", "kind",
            "requiredCapabilities", "source", "target", "mappingScope", "config", "policy");
    private static final Set<String> ENDPOINT_FIELDS = Set.of("type", "url", "project", "credentialRef");
    private static final Set<String> POLICY_FIELDS = Set.of("maxRetries", "preemptible");
    private static final Pattern CAPABILITY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern MAPPING_SCOPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Set<String> servedRegions;
    private final int maxSpecBytes;
    private final ObjectMapper json;
    private final EndpointHosts hosts;

    /** Endpoint URLs may name public hosts only. */
    public JobSpecValidator(Set<String> servedRegions, int maxSpecBytes, ObjectMapper json) {
        this(servedRegions, maxSpecBytes, json, EndpointHosts.publicOnly());
    }

    /** @param hosts which hosts endpoint URLs may name (public ones, and those the operator allows) */
    public JobSpecValidator(Set<String> servedRegions, int maxSpecBytes, ObjectMapper json, EndpointHosts hosts) {
        this.servedRegions = Set.copyOf(servedRegions);
        this.maxSpecBytes = maxSpecBytes;
        this.json = json;
        this.hosts = hosts;
    }

    public int maxSpecBytes() {
        return maxSpecBytes;
    }

    /**
     * @throws ValidationException listing every problem
     * @throws PayloadTooLargeException when the spec would not fit in one stored entity
     */
    public JobSpec validate(JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new ValidationException(List.of(new FieldError("", "the body must be a JSON object (the job spec)")));
        }
        checkSize(body);
        unknownFields(body, "", TOP_LEVEL_FIELDS, errors);
        scanForSecrets(body, "", 0, errors);

        String name = requiredText(body, "name", MAX_NAME_CHARS, errors);
        Tier tier = requiredEnum(body, "tier", Tier::parse, Tier.values(), errors);
        String region = region(body, errors);
        JobKind kind = requiredEnum(body, "kind", JobKind::parse, JobKind.values(), errors);
        List<String> capabilities = capabilities(body.get("requiredCapabilities"), errors);
        Endpoint source = endpoint(body.get("source"), "source", errors);
        Endpoint target = endpoint(body.get("target"), "target", errors);
        String mappingScope = mappingScope(body.get("mappingScope"), errors);
        Map<String, Object> config = config(body.get("config"), errors);
        JobPolicy policy = policy(body.get("policy"), errors);

        if (!errors.isEmpty()) {
            throw new ValidationException(dedupe(errors));
        }
        return new JobSpec(name, tier, region, kind, capabilities, source, target, mappingScope, config, policy);
    }

    private void checkSize(JsonNode body) {
        try {
            int bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8).length;
            if (bytes > maxSpecBytes) {
                throw new PayloadTooLargeException("The job spec", bytes, maxSpecBytes);
            }
        } catch (JsonProcessingException e) {
            throw new ValidationException(List.of(new FieldError("", "the body cannot be serialised as JSON")));
        }
    }

    private static List<FieldError> dedupe(List<FieldError> errors) {
        return new ArrayList<>(new LinkedHashSet<>(errors));
    }

    private static void unknownFields(JsonNode node, String prefix, Set<String> known, List<FieldError> errors) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (!known.contains(field)) {
                errors.add(new FieldError(path(prefix, label(field)), "unknown field; allowed: " + new TreeSet<>(known)));
            }
        }
    }

    private static String path(String prefix, String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    private void scanForSecrets(JsonNode node, String at, int depth, List<FieldError> errors) {
        if (depth > MAX_CONFIG_DEPTH) {
            errors.add(new FieldError(at, "nested deeper than " + MAX_CONFIG_DEPTH + " levels"));
            return;
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String fieldPath = path(at, label(field.getKey()));
                JsonNode value = field.getValue();
                if (SecretScanner.secretIn(field.getKey()).isPresent()) {
                    errors.add(new FieldError(fieldPath, "the field name looks like a raw secret"));
                }
                if (SecretScanner.isSecretFieldName(field.getKey())) {
                    if (isRawSecretValue(value)) {
                        errors.add(new FieldError(fieldPath, RAW_SECRET_FIELD));
                        continue;
                    }
                    if (value.isArray()) {
                        // A list under a secret name ("credentials": [...]) is held to the same rule, item by item.
                        for (int i = 0; i < value.size(); i++) {
                            String itemPath = fieldPath + "[" + i + "]";
                            if (isRawSecretValue(value.get(i))) {
                                errors.add(new FieldError(itemPath, RAW_SECRET_FIELD));
                            } else {
                                scanForSecrets(value.get(i), itemPath, depth + 2, errors);
                            }
                        }
                        continue;
                    }
                }
                scanForSecrets(value, fieldPath, depth + 1, errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                scanForSecrets(node.get(i), at + "[" + i + "]", depth + 1, errors);
            }
        } else if (node.isTextual()) {
            SecretScanner.secretIn(node.asText()).ifPresent(kind -> errors.add(new FieldError(at,
                    "contains what looks like a raw secret (" + kind + "); specs carry only references to secrets "
                            + "(a Key Vault secret URI or env:NAME)")));
        }
    }

    private static final String RAW_SECRET_FIELD = "holds a raw secret; give a reference instead "
            + "(a Key Vault secret URI such as https://my-vault.vault.azure.net/secrets/name, or env:NAME)";

    /** A plain value where only a reference may stand: any non-empty text but a reference, or a number (a PIN). */
    private static boolean isRawSecretValue(JsonNode value) {
        if (value.isTextual()) {
            return !value.asText().isEmpty() && !SecretScanner.isSecretReference(value.asText());
        }
        return value.isNumber();
    }

    /** A field name as it may appear in an error: a name that is itself a secret is not echoed. */
    private static String label(String fieldName) {
        return SecretScanner.secretIn(fieldName).isPresent() ? "<redacted>" : fieldName;
    }

    private static String requiredText(JsonNode body, String field, int maxChars, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.asText();
        if (value.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
        } else if (value.length() > maxChars) {
            errors.add(new FieldError(field, "must be at most " + maxChars + " characters"));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return value;
    }

    private static <E extends Enum<E>> E requiredEnum(JsonNode body, String field, Function<String, Optional<E>> parse,
                                                     E[] values, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required; one of " + Arrays.toString(values)));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string, one of " + Arrays.toString(values)));
            return null;
        }
        Optional<E> parsed = parse.apply(node.asText());
        if (parsed.isEmpty()) {
            errors.add(new FieldError(field, "'" + abbreviate(node.asText()) + "' is not one of " + Arrays.toString(values)));
        }
        return parsed.orElse(null);
    }

    private String region(JsonNode body, List<FieldError> errors) {
        JsonNode node = body.get("region");
        if (node == null || node.isNull()) {
            errors.add(new FieldError("region", "is required; this deployment serves " + sorted(servedRegions)));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("region", "must be a string naming an Azure region, e.g. westeurope"));
            return null;
        }
        String region = node.asText();
        if (!RegionName.isValid(region)) {
            errors.add(new FieldError("region", "'" + abbreviate(region)
                    + "' is not an Azure region name (lower-case letters and digits, e.g. westeurope)"));
        } else if (!servedRegions.contains(region)) {
            errors.add(new FieldError("region", "region '" + region + "' is not served by this deployment, which serves "
                    + sorted(servedRegions) + "; submit the job to the control plane deployed in " + region));
        }
        return region;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static List<String> capabilities(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            errors.add(new FieldError("requiredCapabilities", "must be an array of capability names"));
            return List.of();
        }
        if (node.size() > MAX_CAPABILITIES) {
            errors.add(new FieldError("requiredCapabilities", "at most " + MAX_CAPABILITIES + " capabilities"));
        }
        List<String> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String at = "requiredCapabilities[" + i + "]";
            if (!item.isTextual()) {
                errors.add(new FieldError(at, "must be a string"));
            } else if (!CAPABILITY.matcher(item.asText()).matches()) {
                errors.add(new FieldError(at, "'" + abbreviate(item.asText())
                        + "' is not a capability name (lower-case letters, digits, '.', '_', '-'; at most 64)"));
            } else if (!seen.add(item.asText())) {
                errors.add(new FieldError(at, "'" + abbreviate(item.asText()) + "' is listed twice"));
            } else {
                result.add(item.asText());
            }
        }
        return result;
    }

    private Endpoint endpoint(JsonNode node, String at, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError(at, "is required: { type, url, project, credentialRef }"));
            return null;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(at, "must be an object: { type, url, project, credentialRef }"));
            return null;
        }
        unknownFields(node, at, ENDPOINT_FIELDS, errors);
        List<FieldError> local = new ArrayList<>();
        EndpointType type = requiredEnum(node, "type", EndpointType::parse, EndpointType.values(), local);
        String url = url(node.get("url"), type, local);
        String project = optionalText(node.get("project"), "project", MAX_PROJECT_CHARS, local);
        String credentialRef = credentialRef(node.get("credentialRef"), local);
        local.forEach(e -> errors.add(new FieldError(path(at, e.field()), e.message())));
        return new Endpoint(type, url, project, credentialRef);
    }

    private String url(JsonNode node, EndpointType type, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            if (type != EndpointType.Simulated) {
                errors.add(new FieldError("url", "is required"));
            }
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("url", "must be a string"));
            return null;
        }
        String value = node.asText();
        if (value.length() > MAX_URL_CHARS) {
            errors.add(new FieldError("url", "must be at most " + MAX_URL_CHARS + " characters"));
            return value;
        }
        if (type == EndpointType.Git && value.matches("[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._/~-]+")) {
            return value; // scp-like git address: git@github.com:org/repo.git
        }
        Set<String> schemes = switch (type == null ? EndpointType.Simulated : type) {
            case AzureDevOps -> Set.of("https");
            case TeamFoundationServer -> Set.of("https", "http");
            case Git -> Set.of("https", "http", "ssh", "git");
            case Simulated -> Set.of("https", "http", "sim");
        };
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || scheme == null || !schemes.contains(scheme)) {
                errors.add(new FieldError("url", "must be an absolute URL with scheme " + sorted(schemes)
                        + (type == null ? "" : " for type " + type)));
            } else if (uri.getHost() == null || uri.getHost().isBlank()) {
                errors.add(new FieldError("url", "must name a host"));
            } else if (embedsCredentials(uri.getRawUserInfo(), scheme)) {
                errors.add(new FieldError("url", "must not embed credentials; give them as credentialRef"));
            } else if (!scheme.equals("sim")) {
                // sim: names no host; every other scheme is where an agent connects with the tenant's credentials.
                hosts.refusal(uri.getHost()).ifPresent(why -> errors.add(new FieldError("url", why)));
            }
        } catch (URISyntaxException e) {
            errors.add(new FieldError("url", "is not a valid URL: " + e.getReason()));
        }
        return value;
    }

    /**
     * A password in the URL is always refused. A bare user name is the norm for ssh and git
     * (ssh://git@github.com/org/repo.git); over http(s) it is how tokens get pasted (https://TOKEN@host).
     */
    private static boolean embedsCredentials(String userInfo, String scheme) {
        if (userInfo == null) {
            return false;
        }
        return userInfo.contains(":") || !(scheme.equals("ssh") || scheme.equals("git"));
    }

    private static String optionalText(JsonNode node, String field, int maxChars, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.asText();
        if (value.length() > maxChars) {
            errors.add(new FieldError(field, "must be at most " + maxChars + " characters"));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return value;
    }

    private static String credentialRef(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("credentialRef", "must be a string"));
            return null;
        }
        String value = node.asText();
        if (!CredentialReferences.isValid(value)) {
            errors.add(new FieldError("credentialRef", "must be a reference, not a credential: a Key Vault secret URI "
                    + "(https://<vault>.vault.azure.net/secrets/<name>) or env:NAME"));
        }
        return value;
    }

    private static String mappingScope(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError("mappingScope", "must be a string"));
            return null;
        }
        String value = node.asText();
        if (!MAPPING_SCOPE.matcher(value).matches() || !KeySafety.isKeySafe(value)) {
            errors.add(new FieldError("mappingScope", "'" + abbreviate(value) + "' is not a valid scope: letters, digits, "
                    + "'.', '_', '-', starting with a letter or digit, at most 128 characters"));
        }
        return value;
    }

    private Map<String, Object> config(JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            errors.add(new FieldError("config", "must be a JSON object"));
            return Map.of();
        }
        return json.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private static JobPolicy policy(JsonNode node, List<FieldError> errors) {
        JobPolicy defaults = JobPolicy.defaults();
        if (node == null || node.isNull()) {
            return defaults;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("policy", "must be an object: { maxRetries, preemptible }"));
            return defaults;
        }
        unknownFields(node, "policy", POLICY_FIELDS, errors);
        int maxRetries = defaults.maxRetries();
        JsonNode retries = node.get("maxRetries");
        if (retries != null && !retries.isNull()) {
            // canConvertToInt first: asLong() of a huge integer wraps and could land inside the range.
            if (!retries.isIntegralNumber() || !retries.canConvertToInt()
                    || retries.asInt() < 0 || retries.asInt() > JobPolicy.MAX_RETRIES_LIMIT) {
                errors.add(new FieldError("policy.maxRetries", "must be an integer from 0 to " + JobPolicy.MAX_RETRIES_LIMIT));
            } else {
                maxRetries = retries.asInt();
            }
        }
        boolean preemptible = defaults.preemptible();
        JsonNode preempt = node.get("preemptible");
        if (preempt != null && !preempt.isNull()) {
            if (!preempt.isBoolean()) {
                errors.add(new FieldError("policy.preemptible", "must be true or false"));
            } else {
                preemptible = preempt.asBoolean();
            }
        }
        return new JobPolicy(maxRetries, preemptible);
    }

    private static String abbreviate(String value) {
        if (SecretScanner.secretIn(value).isPresent()) {
            return "<redacted>";
        }
        String printable = value.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() <= 64 ? printable : printable.substring(0, 61) + "...";
    }
}
