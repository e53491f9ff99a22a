package io.controlplane.config;

import static io.controlplane.config.ControlPlaneSettings.AUTH_ALLOWED_TENANTS;
import static io.controlplane.config.ControlPlaneSettings.AUTH_AUDIENCE;
import static io.controlplane.config.ControlPlaneSettings.AUTH_DEV_ISSUER;
import static io.controlplane.config.ControlPlaneSettings.AUTH_ISSUER;
import static io.controlplane.config.ControlPlaneSettings.AUTH_JWKS_URL;
import static io.controlplane.config.ControlPlaneSettings.AUTH_METADATA_URL;
import static io.controlplane.config.ControlPlaneSettings.AUTH_OPERATOR_TENANTS;
import static io.controlplane.config.ControlPlaneSettings.DEFAULT_AUDIENCE;
import static io.controlplane.config.ControlPlaneSettings.DEV_ISSUER;
import static io.controlplane.config.ControlPlaneSettings.DEV_ISSUER_KEY_FILE;

import io.controlplane.config.ControlPlaneSettings.Environment;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Who may call the control plane: the token issuer (Entra ID's OpenID configuration, another
 * issuer's keys, or the local development issuer), the accepted audiences and the admitted and
 * operator tenants. Part of {@link ControlPlaneSettings}, checked with the rest of them.
 *
 * @param allowedTenants lower-case tenant ids, or just {@code *} for every tenant; empty: the issuer's own
 * @param operatorTenants lower-case tenant ids whose tokens may hold the roles that reach every tenant's data
 * @param devIssuer the explicit opt-in to the development issuer ({@code AUTH_DEV_ISSUER=true})
 */
public record AuthSettings(
        String issuer,
        String audience,
        String jwksUrl,
        String metadataUrl,
        Set<String> allowedTenants,
        Set<String> operatorTenants,
        boolean devIssuer,
        String devIssuerKeyFile) {

    private static final Pattern TENANT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Entra's authorities that stand for many tenants: their tokens name the tenant in iss and tid. */
    private static final Pattern MULTI_TENANT_AUTHORITY = Pattern.compile("/(common|organizations|consumers)(/.*)?",
            Pattern.CASE_INSENSITIVE);
    /** As the only allowed tenant: every tenant (the token validator's spelling too). */
    private static final String ANY_TENANT = "*";
    private static final String OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final String DEFAULT_KEY_FILE = ".local/dev-issuer-key.json";
    /**
     * Variables the platform sets when the process runs in Azure App Service / Functions, Container
     * Apps or Kubernetes: where the development issuer must never be trusted.
     */
    static final List<String> HOSTED_SIGNALS = List.of("WEBSITE_INSTANCE_ID", "CONTAINER_APP_NAME", "KUBERNETES_SERVICE_HOST");

    public AuthSettings {
        allowedTenants = Set.copyOf(allowedTenants);
        operatorTenants = Set.copyOf(operatorTenants);
    }

    /**
     * True when tokens come from the local development issuer rather than Entra ID (or another
     * issuer's keys): only with {@code AUTH_DEV_ISSUER=true}, never in Production or on Azure.
     */
    public boolean usesDevIssuer() {
        return devIssuer;
    }

    /** True when tokens of more than one tenant are admitted ({@code AUTH_ALLOWED_TENANTS} is {@code *} or a list). */
    public boolean admitsSeveralTenants() {
        return allowedTenants.contains(ANY_TENANT) || allowedTenants.size() > 1;
    }

    /** True when the issuer and its keys come from an OpenID configuration document. */
    public boolean usesOpenIdMetadata() {
        return metadataUrl != null;
    }

    /**
     * The accepted token audiences: {@code AUTH_AUDIENCE} split at commas (Entra ID v2 tokens carry the
     * application id, v1 tokens or other clients the application ID URI). The development issuer uses
     * {@link #audience()} as it is.
     */
    public Set<String> audiences() {
        return SettingValues.items(audience);
    }

    /**
     * Refuses to serve the development issuer on anything but a loopback address: its tokens are
     * whatever anyone holding the local key file says, so it must not be reachable from elsewhere.
     * A host calls it with the address it binds to; literal addresses and {@code localhost} only
     * (no name is resolved).
     *
     * @throws IllegalArgumentException when the development issuer is on and the address is not loopback
     */
    public void requireLoopbackForDevIssuer(String setting, String bindAddress) {
        if (devIssuer && !isLoopback(bindAddress)) {
            throw new IllegalArgumentException("Invalid control plane settings:\n - " + AUTH_DEV_ISSUER + "=true needs " + setting
                    + " to be a loopback address (127.0.0.1, ::1 or localhost), not '" + bindAddress
                    + "': development tokens must not be accepted from other machines; configure Entra ID ("
                    + AUTH_METADATA_URL + ") to listen on other addresses");
        }
    }

    static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        String a = address.trim().toLowerCase(Locale.ROOT);
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        return a.equals("localhost") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1")
                || a.matches("127\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){2}");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The auth settings among {@code values}, a wrong true/false value added to {@code problems}. */
    static Builder read(Map<String, String> values, List<String> problems) {
        return builder()
                .issuer(SettingValues.text(values, AUTH_ISSUER, DEV_ISSUER))
                .audience(SettingValues.text(values, AUTH_AUDIENCE, DEFAULT_AUDIENCE))
                .jwksUrl(SettingValues.text(values, AUTH_JWKS_URL))
                .metadataUrl(SettingValues.text(values, AUTH_METADATA_URL))
                .allowedTenants(SettingValues.list(values, AUTH_ALLOWED_TENANTS))
                .operatorTenants(SettingValues.list(values, AUTH_OPERATOR_TENANTS))
                .devIssuer(SettingValues.flag(values, AUTH_DEV_ISSUER, false, problems))
                .hostedOn(HOSTED_SIGNALS.stream().filter(name -> SettingValues.text(values, name) != null).toList())
                .devIssuerKeyFile(SettingValues.text(values, DEV_ISSUER_KEY_FILE, DEFAULT_KEY_FILE));
    }

    /** Builds auth settings; {@link ControlPlaneSettings.Builder#build()} checks them with the rest. */
    public static final class Builder {
        private String issuer = DEV_ISSUER;
        private String audience = DEFAULT_AUDIENCE;
        private String jwksUrl;
        private String metadataUrl;
        private Set<String> allowedTenants = Set.of();
        private Set<String> operatorTenants = Set.of();
        private boolean devIssuer;
        private List<String> hostedOn = List.of();
        private String devIssuerKeyFile = DEFAULT_KEY_FILE;

        private Builder() {
        }

        public Builder issuer(String value) { this.issuer = value; return this; }
        public Builder audience(String value) { this.audience = value; return this; }
        public Builder jwksUrl(String value) { this.jwksUrl = value; return this; }
        public Builder metadataUrl(String value) { this.metadataUrl = value; return this; }
        /** Tenant ids (any case), or just {@code *} for every tenant. */
        public Builder allowedTenants(Set<String> value) { this.allowedTenants = value == null ? Set.of() : value; return this; }
        public Builder operatorTenants(Set<String> value) { this.operatorTenants = value == null ? Set.of() : value; return this; }
        /** The explicit opt-in to the development issuer ({@code AUTH_DEV_ISSUER=true}). */
        public Builder devIssuer(boolean value) { this.devIssuer = value; return this; }
        /** The {@link #HOSTED_SIGNALS} variables that are set: the process runs on Azure or Kubernetes. */
        public Builder hostedOn(List<String> value) { this.hostedOn = value == null ? List.of() : List.copyOf(value); return this; }
        public Builder devIssuerKeyFile(String value) { this.devIssuerKeyFile = value; return this; }

        /** The settings, with what is wrong with them (in {@code environment}) added to {@code problems}. */
        AuthSettings build(Environment environment, List<String> problems) {
            devIssuerProblems(environment, problems);
            if (jwksUrl != null && !jwksUrl.startsWith("https://")) {
                problems.add(AUTH_JWKS_URL + " must be an https URL");
            }
            if (jwksUrl != null && DEV_ISSUER.equals(issuer)) {
                problems.add(AUTH_ISSUER + " must name the token issuer when " + AUTH_JWKS_URL + " is set");
            }
            tenantProblems(environment, problems);
            return new AuthSettings(issuer, audience, jwksUrl, metadataUrl,
                    allowedTenants.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()),
                    operatorTenants.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()),
                    devIssuer, devIssuerKeyFile);
        }

        /** The development issuer is an explicit opt-in, and never in Production or on Azure. */
        private void devIssuerProblems(Environment environment, List<String> problems) {
            String entra = "set " + AUTH_METADATA_URL + " and " + AUTH_AUDIENCE + " for Entra ID (or " + AUTH_JWKS_URL + " and "
                    + AUTH_ISSUER + ")";
            boolean issuerConfigured = jwksUrl != null || metadataUrl != null;
            if (devIssuer && issuerConfigured) {
                problems.add(AUTH_DEV_ISSUER + "=true excludes " + AUTH_METADATA_URL + " and " + AUTH_JWKS_URL
                        + ": choose the development issuer or a real one");
            } else if (environment == Environment.Production && (devIssuer || !issuerConfigured)) {
                problems.add("the development token issuer is refused in Production: " + entra);
            } else if (devIssuer && !hostedOn.isEmpty()) {
                problems.add("the development token issuer is refused on Azure or Kubernetes (" + String.join(", ", hostedOn)
                        + " is set): " + entra);
            } else if (!devIssuer && !issuerConfigured) {
                problems.add("no token issuer is configured: " + entra + "; for a local run only, " + AUTH_DEV_ISSUER
                        + "=true trusts the development issuer (scripts/run-local.sh sets it)");
            }
        }

        /** The OpenID metadata, tenant and audience checks. */
        private void tenantProblems(Environment environment, List<String> problems) {
            if (metadataUrl != null) {
                if (jwksUrl != null) {
                    problems.add("set " + AUTH_METADATA_URL + " or " + AUTH_JWKS_URL + ", not both");
                }
                if (!DEV_ISSUER.equals(issuer)) {
                    problems.add(AUTH_ISSUER + " must not be set with " + AUTH_METADATA_URL
                            + ": the issuer comes from the OpenID configuration");
                }
                metadataUrlProblems(environment, problems);
            }
            boolean anyTenant = allowedTenants.contains(ANY_TENANT);
            if (anyTenant && allowedTenants.size() > 1
                    || allowedTenants.stream().anyMatch(t -> !t.equals(ANY_TENANT)
                            && !TENANT_ID.matcher(t.toLowerCase(Locale.ROOT)).matches())) {
                problems.add(AUTH_ALLOWED_TENANTS + " must be Entra tenant ids (GUIDs) separated by commas, or *");
            }
            if (operatorTenants.stream().anyMatch(t -> !TENANT_ID.matcher(t.toLowerCase(Locale.ROOT)).matches())) {
                problems.add(AUTH_OPERATOR_TENANTS + " must be Entra tenant ids (GUIDs) separated by commas");
            }
            if (!operatorTenants.isEmpty() && jwksUrl == null && metadataUrl == null && devIssuer) {
                problems.add(AUTH_OPERATOR_TENANTS + " needs " + AUTH_METADATA_URL + " (or " + AUTH_JWKS_URL
                        + "): the development issuer's tenants are whatever a local token says");
            }
            if (operatorTenants.isEmpty() && (anyTenant || allowedTenants.size() > 1)) {
                // Each admitted tenant's administrators assign app roles to their own users: only the
                // operator's tenants may hold the roles that reach every tenant's data.
                problems.add(AUTH_OPERATOR_TENANTS + " must name the tenant(s) whose tokens may hold " + "ControlPlane.Admin"
                        + " and Agents.Run when " + AUTH_ALLOWED_TENANTS + " admits more than one tenant");
            }
            if (!allowedTenants.isEmpty() && jwksUrl == null && metadataUrl == null && devIssuer) {
                problems.add(AUTH_ALLOWED_TENANTS + " needs " + AUTH_METADATA_URL + " (or " + AUTH_JWKS_URL
                        + "): the development issuer admits every tenant");
            }
            if ((jwksUrl != null || metadataUrl != null) && SettingValues.items(audience).isEmpty()) {
                problems.add(AUTH_AUDIENCE + " must name at least one audience");
            }
        }

        private void metadataUrlProblems(Environment environment, List<String> problems) {
            URI uri;
            try {
                uri = new URI(metadataUrl);
            } catch (URISyntaxException e) {
                problems.add(AUTH_METADATA_URL + " is not a URL");
                return;
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean loopback = uri.getHost() != null && LOOPBACK_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
            if (uri.getHost() == null || !(scheme.equals("https")
                    || scheme.equals("http") && loopback && environment == Environment.Development)) {
                problems.add(AUTH_METADATA_URL + " must be an https URL (http only to a loopback address in Development)");
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (!path.endsWith(OPENID_CONFIGURATION_PATH)) {
                problems.add(AUTH_METADATA_URL + " must be the OpenID configuration document, ending in "
                        + OPENID_CONFIGURATION_PATH + ", e.g. https://login.microsoftonline.com/<tenant-id>/v2.0"
                        + OPENID_CONFIGURATION_PATH);
            } else if (allowedTenants.isEmpty() && MULTI_TENANT_AUTHORITY.matcher(path).matches()) {
                problems.add(AUTH_ALLOWED_TENANTS + " must list the tenant ids to admit (or *): " + AUTH_METADATA_URL
                        + " is multi-tenant");
            }
        }
    }
}
