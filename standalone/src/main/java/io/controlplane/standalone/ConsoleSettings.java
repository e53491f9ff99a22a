package io.controlplane.standalone;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.controlplane.api.Json;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.config.SettingValues;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How the web console (served at {@code /}) is configured: what its {@code config.json} tells the
 * browser (the API's base URL; the sign-in: the development issuer's pasted tokens, or Entra ID
 * through MSAL.js with the console's app registration) and the origins its Content-Security-Policy
 * lets it connect to.
 *
 * <ul>
 *   <li>{@code CONSOLE_ENABLED} (default true): false serves no console; {@code /} answers as any unknown path.</li>
 *   <li>{@code CONSOLE_API_BASE_URL} (default: the console's own origin): where the console sends its API calls.</li>
 *   <li>{@code CONSOLE_CLIENT_ID}: the console's Entra ID app registration (a single-page application).</li>
 *   <li>{@code CONSOLE_AUTHORITY} (default {@code https://login.microsoftonline.com/organizations}).</li>
 *   <li>{@code CONSOLE_API_SCOPE}: the scope(s) the console asks tokens for, comma separated
 *       (e.g. {@code api://controlplane/.default}).</li>
 * </ul>
 * The sign-in is {@code dev} when the host trusts the development issuer, {@code entra} otherwise.
 */
record ConsoleSettings(boolean enabled, String apiBaseUrl, String authMode, String clientId, String authority,
                       List<String> scopes) {

    static final String ENABLED = "CONSOLE_ENABLED";
    static final String API_BASE_URL = "CONSOLE_API_BASE_URL";
    static final String CLIENT_ID = "CONSOLE_CLIENT_ID";
    static final String AUTHORITY = "CONSOLE_AUTHORITY";
    static final String API_SCOPE = "CONSOLE_API_SCOPE";
    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com/organizations";
    /** The token command the sign-in page shows (the roles of every page: jobs, queues, agents). */
    static final String DEV_TOKEN_HINT =
            "scripts/dev-token.sh --tenant contoso --roles Jobs.Submit,Jobs.Read,Jobs.Manage,ControlPlane.Admin";

    static ConsoleSettings from(Map<String, String> values, ControlPlaneSettings settings) {
        List<String> problems = new ArrayList<>();
        boolean on = SettingValues.flag(values, ENABLED, true, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        String apiBase = text(values, API_BASE_URL);
        if (apiBase != null) {
            apiBase = stripSlash(requireOrigin(API_BASE_URL, apiBase, true));
        }
        String authority = text(values, AUTHORITY);
        authority = stripSlash(requireOrigin(AUTHORITY, authority == null ? DEFAULT_AUTHORITY : authority, false));
        String scopes = text(values, API_SCOPE);
        List<String> scopeList = scopes == null ? List.of()
                : Arrays.stream(scopes.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new ConsoleSettings(on, apiBase == null ? "" : apiBase, settings.auth().usesDevIssuer() ? "dev" : "entra",
                text(values, CLIENT_ID), authority, scopeList);
    }

    /** The document the console reads at start ({@code /config.json}). */
    byte[] configJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("apiBaseUrl", apiBaseUrl);
        ObjectNode auth = root.putObject("auth");
        auth.put("mode", authMode);
        if ("dev".equals(authMode)) {
            auth.put("devTokenHint", DEV_TOKEN_HINT);
        } else {
            auth.put("clientId", clientId);
            auth.put("authority", authority);
            ArrayNode s = auth.putArray("scopes");
            scopes.forEach(s::add);
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The console's pages: only its own files, connections to the API (and Entra ID), no inline script or style. */
    String contentSecurityPolicy() {
        StringBuilder connect = new StringBuilder("'self'");
        if (!apiBaseUrl.isEmpty()) {
            connect.append(' ').append(origin(apiBaseUrl));
        }
        String frame = "'none'";
        if ("entra".equals(authMode)) {
            connect.append(' ').append(origin(authority));
            frame = origin(authority); // MSAL renews tokens silently in a hidden frame of the authority
        }
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src " + connect
                + "; frame-src " + frame + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    private static String requireOrigin(String name, String value, boolean httpAllowed) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be an absolute https URL, was '" + value + "'");
        }
        boolean scheme = "https".equals(uri.getScheme()) || (httpAllowed && "http".equals(uri.getScheme()));
        if (!scheme || uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException(name + " must be an absolute " + (httpAllowed ? "http(s)" : "https")
                    + " URL without credentials, query or fragment, was '" + value + "'");
        }
        return value;
    }

    private static String stripSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    private static String text(Map<String, String> values, String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
