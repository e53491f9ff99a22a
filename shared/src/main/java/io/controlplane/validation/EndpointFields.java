package io.controlplane.validation;

import static io.controlplane.validation.SpecFields.optionalText;
import static io.controlplane.validation.SpecFields.path;
import static io.controlplane.validation.SpecFields.requiredEnum;
import static io.controlplane.validation.SpecFields.sorted;
import static io.controlplane.validation.SpecFields.unknownFields;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.domain.Endpoint;
import io.controlplane.domain.EndpointType;
import io.controlplane.domain.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a spec's {@code source} or {@code target}: its type, a URL of a scheme that type uses,
 * naming a host the deployment allows and embedding no credentials, the project, and a credential
 * reference (never a credential). Part of {@link JobSpecValidator}.
 */
final class EndpointFields {

    private static final Set<String> ENDPOINT_FIELDS = Set.of("type", "url", "project", "credentialRef");

    private final EndpointHosts hosts;

    EndpointFields(EndpointHosts hosts) {
        this.hosts = hosts;
    }

    /** The endpoint {@code node} describes (the spec's field {@code at}), its problems added to {@code errors}. */
    Endpoint endpoint(JsonNode node, String at, List<FieldError> errors) {
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
        String project = optionalText(node.get("project"), "project", JobSpecValidator.MAX_PROJECT_CHARS, local);
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
        if (value.length() > JobSpecValidator.MAX_URL_CHARS) {
            errors.add(new FieldError("url", "must be at most " + JobSpecValidator.MAX_URL_CHARS + " characters"));
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
}
