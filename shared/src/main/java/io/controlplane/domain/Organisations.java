package io.controlplane.domain;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The organisation a job's source or target touches: the unit whose rate limits every job against
 * it shares. A key, lower case and path-safe, made of the host and the owning path segment,
 * {@code ':'}-separated:
 * <ul>
 *   <li>Azure DevOps: {@code dev.azure.com:<organisation>} (an {@code <organisation>.visualstudio.com}
 *       URL is the same organisation);</li>
 *   <li>Team Foundation Server: {@code <host>:<collection>} (the segment after {@code /tfs/}, else
 *       the first);</li>
 *   <li>git: {@code <host>:<owner>} (the first path segment: the user or organisation owning the
 *       repository);</li>
 *   <li>a URL without a path segment: its host alone.</li>
 * </ul>
 */
public final class Organisations {

    private Organisations() {
    }

    /** The endpoint's organisation key; empty when its URL has no host. */
    public static Optional<String> keyOf(Endpoint endpoint) {
        if (endpoint == null || endpoint.url() == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(endpoint.url().trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        host = host.toLowerCase(Locale.ROOT);
        String[] segments = uri.getPath() == null ? new String[0]
                : Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        if (endpoint.type() == EndpointType.AzureDevOps && host.endsWith(".visualstudio.com")) {
            return Optional.of("dev.azure.com:" + host.substring(0, host.length() - ".visualstudio.com".length()));
        }
        int owner = endpoint.type() == EndpointType.TeamFoundationServer && segments.length > 1
                && segments[0].equalsIgnoreCase("tfs") ? 1 : 0;
        return Optional.of(segments.length > owner ? host + ":" + segments[owner].toLowerCase(Locale.ROOT) : host);
    }

    /** The organisations of a job: its source's and its target's, sorted, once each. */
    public static List<String> of(JobSpec spec) {
        TreeSet<String> keys = new TreeSet<>();
        keyOf(spec.source()).ifPresent(keys::add);
        keyOf(spec.target()).ifPresent(keys::add);
        return List.copyOf(keys);
    }

    /** Whether {@code key} is shaped like an organisation key (for routes that name one). */
    public static boolean isKey(String key) {
        return key != null && key.length() <= 200 && key.matches("[a-z0-9][a-z0-9.-]*(:[a-z0-9][a-z0-9._~-]*)?");
    }
}
