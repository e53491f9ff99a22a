package io.controlplane.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The organisations a job touches, by the keys the control plane gives them (the {@code organisation}
 * of {@code POST /api/leases/{leaseId}/throttle} and of a heartbeat command's {@code backOff}): lower
 * case, the host and the owning path segment, {@code ':'}-separated.
 * <ul>
 *   <li>an {@code AzureDevOps} endpoint: {@code dev.azure.com:<organisation>}, and so is one on
 *       {@code https://<organisation>.visualstudio.com};</li>
 *   <li>a {@code TeamFoundationServer} endpoint: {@code <host>:<collection>}, the segment after
 *       {@code /tfs/} (else the first);</li>
 *   <li>any other (git, simulated): {@code <host>:<first path segment>}, e.g. {@code github.com:<owner>};</li>
 *   <li>a URL without a path segment: its host alone.</li>
 * </ul>
 * The endpoint's {@code type} matters as it does to the control plane: a report naming a key the
 * control plane derives differently is refused with 400.
 */
final class Organisations {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9.-]*(:[a-z0-9][a-z0-9._~-]*)?");
    private static final String VISUAL_STUDIO = ".visualstudio.com";

    private Organisations() {
    }

    /** The keys of the spec's {@code source} and {@code target}, sorted, once each. */
    static List<String> of(JsonNode spec) {
        TreeSet<String> keys = new TreeSet<>();
        keyOf(spec.path("source")).ifPresent(keys::add);
        keyOf(spec.path("target")).ifPresent(keys::add);
        return List.copyOf(keys);
    }

    /** The key of one endpoint {@code { type, url }}; empty when its URL has no host. */
    static Optional<String> keyOf(JsonNode endpoint) {
        JsonNode url = endpoint.path("url");
        if (!url.isTextual()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(url.asText().trim());
        } catch (IllegalArgumentException notAUrl) {
            return Optional.empty();
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String type = endpoint.path("type").asText("");
        if (type.equals("AzureDevOps") && host.endsWith(VISUAL_STUDIO)) {
            return Optional.of("dev.azure.com:" + host.substring(0, host.length() - VISUAL_STUDIO.length()));
        }
        String[] segments = uri.getPath() == null ? new String[0]
                : Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        int owner = type.equals("TeamFoundationServer") && segments.length > 1 && segments[0].equalsIgnoreCase("tfs")
                ? 1 : 0;
        return Optional.of(segments.length > owner ? host + ":" + segments[owner].toLowerCase(Locale.ROOT) : host);
    }

    /** Whether {@code key} is shaped like an organisation key (lower case already). */
    static boolean isKey(String key) {
        return key != null && key.length() <= 200 && KEY.matcher(key).matches();
    }
}
