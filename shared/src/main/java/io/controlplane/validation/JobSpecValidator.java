package io.controlplane.validation;

import static io.controlplane.validation.SpecFields.abbreviate;
import static io.controlplane.validation.SpecFields.requiredEnum;
import static io.controlplane.validation.SpecFields.requiredText;
import static io.controlplane.validation.SpecFields.sorted;
import static io.controlplane.validation.SpecFields.unknownFields;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.domain.Endpoint;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.JobKind;
import io.controlplane.domain.JobPolicy;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.PayloadTooLargeException;
import io.controlplane.domain.RegionName;
import io.controlplane.domain.Tier;
import io.controlplane.domain.ValidationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private static final Set<String> POLICY_FIELDS = Set.of("maxRetries", "preemptible");
    private static final Pattern CAPABILITY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern MAPPING_SCOPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Set<String> servedRegions;
    private final int maxSpecBytes;
    private final ObjectMapper json;
    private final EndpointFields endpoints;

    /** Endpoint URLs may name public hosts only. */
    public JobSpecValidator(Set<String> servedRegions, int maxSpecBytes, ObjectMapper json) {
        this(servedRegions, maxSpecBytes, json, EndpointHosts.publicOnly());
    }

    /** @param hosts which hosts endpoint URLs may name (public ones, and those the operator allows) */
    public JobSpecValidator(Set<String> servedRegions, int maxSpecBytes, ObjectMapper json, EndpointHosts hosts) {
        this.servedRegions = Set.copyOf(servedRegions);
        this.maxSpecBytes = maxSpecBytes;
        this.json = json;
        this.endpoints = new EndpointFields(hosts);
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
        SpecSecrets.scanForSecrets(body, "", 0, errors);

        String name = requiredText(body, "name", MAX_NAME_CHARS, errors);
        Tier tier = requiredEnum(body, "tier", Tier::parse, Tier.values(), errors);
        String region = region(body, errors);
        JobKind kind = requiredEnum(body, "kind", JobKind::parse, JobKind.values(), errors);
        List<String> capabilities = capabilities(body.get("requiredCapabilities"), errors);
        Endpoint source = endpoints.endpoint(body.get("source"), "source", errors);
        Endpoint target = endpoints.endpoint(body.get("target"), "target", errors);
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


}
