package io.controlplane.config;

import io.controlplane.domain.RegionName;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The control plane's configuration, immutable, validated at {@link Builder#build()} (every
 * problem reported at once). Both hosts read it from the same setting names: environment
 * variables, Function App settings, or {@code local.settings.json} Values.
 */
public record ControlPlaneSettings(
        Environment environment,
        Set<String> regions,
        String storageConnectionString,
        String tableEndpoint,
        String tablePrefix,
        String authIssuer,
        String authAudience,
        String authJwksUrl,
        String authMetadataUrl,
        Set<String> authAllowedTenants,
        Set<String> authOperatorTenants,
        boolean devIssuer,
        String devIssuerKeyFile,
        Set<String> allowedPrivateHosts,
        int maxRequestBytes,
        int maxSpecBytes,
        MessagingService messaging,
        String queueEndpoint,
        String serviceBusConnectionString,
        String serviceBusNamespace,
        String queuePrefix,
        String blobEndpoint) {

    /** Development allows the local token issuer; Production refuses it. */
    public enum Environment { Development, Production }

    /** Where the intake queues live; the setting's value is the lower-case name. */
    public enum MessagingService {
        /** Azure Storage Queues (Azurite locally): the default, needs nothing beyond the storage account. */
        StorageQueues,
        /** Azure Service Bus: sessions per region, duplicate detection; what the Azure deployment uses. */
        ServiceBus;

        public String settingValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<MessagingService> parse(String value) {
            return Arrays.stream(values()).filter(m -> m.settingValue().equals(value.toLowerCase(Locale.ROOT))).findFirst();
        }
    }

    public static final String ENVIRONMENT = "CONTROLPLANE_ENVIRONMENT";
    public static final String REGIONS = "CONTROLPLANE_REGIONS";
    public static final String STORAGE_CONNECTION_STRING = "STORAGE_CONNECTION_STRING";
    public static final String FUNCTIONS_STORAGE = "AzureWebJobsStorage";
    public static final String TABLE_ENDPOINT = "STORAGE_TABLE_ENDPOINT";
    public static final String TABLE_PREFIX = "STORAGE_TABLE_PREFIX";
    public static final String AUTH_ISSUER = "AUTH_ISSUER";
    public static final String AUTH_AUDIENCE = "AUTH_AUDIENCE";
    public static final String AUTH_JWKS_URL = "AUTH_JWKS_URL";
    public static final String AUTH_METADATA_URL = "AUTH_METADATA_URL";
    public static final String AUTH_ALLOWED_TENANTS = "AUTH_ALLOWED_TENANTS";
    public static final String AUTH_OPERATOR_TENANTS = "AUTH_OPERATOR_TENANTS";
    public static final String DEV_ISSUER_KEY_FILE = "DEV_ISSUER_KEY_FILE";
    /** The explicit opt-in to the development token issuer (local runs and tests only). */
    public static final String AUTH_DEV_ISSUER = "AUTH_DEV_ISSUER";
    /** Host names (or {@code *.suffix}) that job URLs may name although they look private or local. */
    public static final String JOBS_ALLOWED_PRIVATE_HOSTS = "JOBS_ALLOWED_PRIVATE_HOSTS";
    public static final String MAX_REQUEST_BYTES = "MAX_REQUEST_BYTES";
    public static final String MAX_SPEC_BYTES = "MAX_SPEC_BYTES";
    public static final String MESSAGING = "MESSAGING";
    public static final String QUEUE_ENDPOINT = "STORAGE_QUEUE_ENDPOINT";
    public static final String SERVICEBUS_CONNECTION_STRING = "SERVICEBUS_CONNECTION_STRING";
    public static final String SERVICEBUS_NAMESPACE = "SERVICEBUS_NAMESPACE";
    public static final String QUEUE_PREFIX = "QUEUE_PREFIX";
    /** The standalone host's region leases (a blob per region) without a connection string. */
    public static final String BLOB_ENDPOINT = "STORAGE_BLOB_ENDPOINT";

    private static final Pattern TENANT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Entra's authorities that stand for many tenants: their tokens name the tenant in iss and tid. */
    private static final Pattern MULTI_TENANT_AUTHORITY = Pattern.compile("/(common|organizations|consumers)(/.*)?",
            Pattern.CASE_INSENSITIVE);
    /** As the only allowed tenant: every tenant (the token validator's spelling too). */
    private static final String ANY_TENANT = "*";
    private static final String OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
    /**
     * Variables the platform sets when the process runs in Azure App Service / Functions, Container
     * Apps or Kubernetes: where the development issuer must never be trusted.
     */
    static final List<String> HOSTED_SIGNALS = List.of("WEBSITE_INSTANCE_ID", "CONTAINER_APP_NAME", "KUBERNETES_SERVICE_HOST");
    private static final Pattern ALLOWED_HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
            + "|[0-9.]+|\\[[0-9a-f:.]+]");

    private static final Pattern STANDARD_TABLE_ENDPOINT = Pattern.compile("(https://[^./]+)\\.table\\.([^/]+)/?");

    public static final String DEV_ISSUER = "urn:controlplane:dev-issuer";
    public static final String DEFAULT_AUDIENCE = "api://migration-controlplane";

    public ControlPlaneSettings {
        regions = Set.copyOf(regions);
        authAllowedTenants = Set.copyOf(authAllowedTenants);
        authOperatorTenants = Set.copyOf(authOperatorTenants);
        allowedPrivateHosts = Set.copyOf(allowedPrivateHosts);
    }

    /**
     * Without the storage and Service Bus connection strings, which may carry keys: settings get
     * logged at start-up, and credentials must never reach a log.
     */
    @Override
    public String toString() {
        return "ControlPlaneSettings[environment=" + environment + ", regions=" + regions.stream().sorted().toList()
                + ", storageConnectionString=" + (storageConnectionString == null ? null : "<redacted>")
                + ", tableEndpoint=" + tableEndpoint + ", tablePrefix=" + tablePrefix + ", authIssuer=" + authIssuer
                + ", authAudience=" + authAudience + ", authJwksUrl=" + authJwksUrl + ", authMetadataUrl=" + authMetadataUrl
                + ", authAllowedTenants=" + authAllowedTenants.stream().sorted().toList()
                + ", authOperatorTenants=" + authOperatorTenants.stream().sorted().toList() + ", devIssuer=" + devIssuer
                + ", devIssuerKeyFile=" + devIssuerKeyFile + ", allowedPrivateHosts=" + allowedPrivateHosts.stream().sorted().toList()
                + ", maxRequestBytes=" + maxRequestBytes + ", maxSpecBytes=" + maxSpecBytes
                + ", messaging=" + messaging.settingValue() + ", queueEndpoint=" + queueEndpoint
                + ", serviceBusConnectionString=" + (serviceBusConnectionString == null ? null : "<redacted>")
                + ", serviceBusNamespace=" + serviceBusNamespace + ", queuePrefix=" + queuePrefix
                + ", blobEndpoint=" + blobEndpoint + "]";
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
        return authAllowedTenants.contains(ANY_TENANT) || authAllowedTenants.size() > 1;
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

    /** True when the issuer and its keys come from an OpenID configuration document. */
    public boolean usesOpenIdMetadata() {
        return authMetadataUrl != null;
    }

    /**
     * The accepted token audiences: {@code AUTH_AUDIENCE} split at commas (Entra ID v2 tokens carry the
     * application id, v1 tokens or other clients the application ID URI). The development issuer uses
     * {@link #authAudience()} as it is.
     */
    public Set<String> authAudiences() {
        return audiencesOf(authAudience);
    }

    private static Set<String> audiencesOf(String value) {
        return value == null ? Set.of() : new LinkedHashSet<>(Arrays.stream(value.split(",")).map(String::trim)
                .filter(a -> !a.isEmpty()).toList());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads every setting from a name → value map (environment, app settings). */
    public static ControlPlaneSettings from(Map<String, String> values) {
        Builder b = builder();
        List<String> problems = new ArrayList<>();
        String env = get(values, ENVIRONMENT);
        if (env != null) {
            try {
                b.environment(Environment.valueOf(env.substring(0, 1).toUpperCase(Locale.ROOT) + env.substring(1).toLowerCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                problems.add(ENVIRONMENT + " must be Development or Production");
            }
        }
        String regions = get(values, REGIONS);
        if (regions != null) {
            b.regions(new LinkedHashSet<>(Arrays.stream(regions.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()));
        }
        String connection = get(values, STORAGE_CONNECTION_STRING);
        b.storageConnectionString(connection != null ? connection : get(values, FUNCTIONS_STORAGE));
        b.tableEndpoint(get(values, TABLE_ENDPOINT));
        if (get(values, TABLE_PREFIX) != null) {
            b.tablePrefix(get(values, TABLE_PREFIX));
        }
        if (get(values, AUTH_ISSUER) != null) {
            b.authIssuer(get(values, AUTH_ISSUER));
        }
        if (get(values, AUTH_AUDIENCE) != null) {
            b.authAudience(get(values, AUTH_AUDIENCE));
        }
        b.authJwksUrl(get(values, AUTH_JWKS_URL));
        b.authMetadataUrl(get(values, AUTH_METADATA_URL));
        String tenants = get(values, AUTH_ALLOWED_TENANTS);
        if (tenants != null) {
            b.authAllowedTenants(new LinkedHashSet<>(Arrays.stream(tenants.split(",")).map(String::trim)
                    .filter(t -> !t.isEmpty()).toList()));
        }
        String operators = get(values, AUTH_OPERATOR_TENANTS);
        if (operators != null) {
            b.authOperatorTenants(new LinkedHashSet<>(Arrays.stream(operators.split(",")).map(String::trim)
                    .filter(t -> !t.isEmpty()).toList()));
        }
        String devIssuer = get(values, AUTH_DEV_ISSUER);
        if (devIssuer != null) {
            switch (devIssuer.toLowerCase(Locale.ROOT)) {
                case "true" -> b.devIssuer(true);
                case "false" -> b.devIssuer(false);
                default -> problems.add(AUTH_DEV_ISSUER + " must be true or false");
            }
        }
        b.hostedOn(HOSTED_SIGNALS.stream().filter(name -> get(values, name) != null).toList());
        if (get(values, DEV_ISSUER_KEY_FILE) != null) {
            b.devIssuerKeyFile(get(values, DEV_ISSUER_KEY_FILE));
        }
        String privateHosts = get(values, JOBS_ALLOWED_PRIVATE_HOSTS);
        if (privateHosts != null) {
            b.allowedPrivateHosts(new LinkedHashSet<>(Arrays.stream(privateHosts.split(",")).map(String::trim)
                    .filter(h -> !h.isEmpty()).toList()));
        }
        b.maxRequestBytes(intValue(values, MAX_REQUEST_BYTES, b.maxRequestBytes, problems));
        b.maxSpecBytes(intValue(values, MAX_SPEC_BYTES, b.maxSpecBytes, problems));
        String messaging = get(values, MESSAGING);
        if (messaging != null) {
            MessagingService.parse(messaging).ifPresentOrElse(b::messaging,
                    () -> problems.add(MESSAGING + " must be storagequeues or servicebus"));
        }
        b.queueEndpoint(get(values, QUEUE_ENDPOINT));
        b.serviceBusConnectionString(get(values, SERVICEBUS_CONNECTION_STRING));
        b.serviceBusNamespace(get(values, SERVICEBUS_NAMESPACE));
        if (get(values, QUEUE_PREFIX) != null) {
            b.queuePrefix(get(values, QUEUE_PREFIX));
        }
        b.blobEndpoint(get(values, BLOB_ENDPOINT));
        b.earlierProblems(problems);
        return b.build();
    }

    private static String get(Map<String, String> values, String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int intValue(Map<String, String> values, String name, int fallback, List<String> problems) {
        String value = get(values, name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            problems.add(name + " must be an integer");
            return fallback;
        }
    }

    /**
     * The queue endpoint of the account whose table endpoint this is ({@code https://<account>.table.<suffix>}
     * → {@code https://<account>.queue.<suffix>}), or null when it has another form.
     */
    static String queueEndpointOf(String tableEndpoint) {
        if (tableEndpoint == null) {
            return null;
        }
        Matcher m = STANDARD_TABLE_ENDPOINT.matcher(tableEndpoint);
        return m.matches() ? m.group(1) + ".queue." + m.group(2) : null;
    }

    /**
     * The blob endpoint of the account whose table endpoint this is ({@code https://<account>.table.<suffix>}
     * → {@code https://<account>.blob.<suffix>}), or null when it has another form.
     */
    static String blobEndpointOf(String tableEndpoint) {
        if (tableEndpoint == null) {
            return null;
        }
        Matcher m = STANDARD_TABLE_ENDPOINT.matcher(tableEndpoint);
        return m.matches() ? m.group(1) + ".blob." + m.group(2) : null;
    }

    /** Builds settings; {@link #build()} checks them all and names every problem. */
    public static final class Builder {
        private Environment environment = Environment.Development;
        private Set<String> regions = Set.of();
        private String storageConnectionString;
        private String tableEndpoint;
        private String tablePrefix = "cp";
        private String authIssuer = DEV_ISSUER;
        private String authAudience = DEFAULT_AUDIENCE;
        private String authJwksUrl;
        private String authMetadataUrl;
        private Set<String> authAllowedTenants = Set.of();
        private Set<String> authOperatorTenants = Set.of();
        private boolean devIssuer;
        private List<String> hostedOn = List.of();
        private String devIssuerKeyFile = ".local/dev-issuer-key.json";
        private Set<String> allowedPrivateHosts = Set.of();
        private int maxRequestBytes = 1024 * 1024;
        private int maxSpecBytes = 256 * 1024;
        private MessagingService messaging = MessagingService.StorageQueues;
        private String queueEndpoint;
        private String serviceBusConnectionString;
        private String serviceBusNamespace;
        private String queuePrefix = "";
        private String blobEndpoint;
        private List<String> earlierProblems = List.of();

        public Builder environment(Environment value) { this.environment = value; return this; }
        public Builder regions(Set<String> value) { this.regions = value == null ? Set.of() : value; return this; }
        public Builder storageConnectionString(String value) { this.storageConnectionString = value; return this; }
        public Builder tableEndpoint(String value) { this.tableEndpoint = value; return this; }
        public Builder tablePrefix(String value) { this.tablePrefix = value; return this; }
        public Builder authIssuer(String value) { this.authIssuer = value; return this; }
        public Builder authAudience(String value) { this.authAudience = value; return this; }
        public Builder authJwksUrl(String value) { this.authJwksUrl = value; return this; }
        public Builder authMetadataUrl(String value) { this.authMetadataUrl = value; return this; }
        /** Tenant ids (any case), or just {@code *} for every tenant. */
        public Builder authAllowedTenants(Set<String> value) { this.authAllowedTenants = value == null ? Set.of() : value; return this; }
        public Builder authOperatorTenants(Set<String> value) { this.authOperatorTenants = value == null ? Set.of() : value; return this; }
        /** The explicit opt-in to the development issuer ({@code AUTH_DEV_ISSUER=true}). */
        public Builder devIssuer(boolean value) { this.devIssuer = value; return this; }
        /** The {@link #HOSTED_SIGNALS} variables that are set: the process runs on Azure or Kubernetes. */
        public Builder hostedOn(List<String> value) { this.hostedOn = value == null ? List.of() : List.copyOf(value); return this; }
        public Builder devIssuerKeyFile(String value) { this.devIssuerKeyFile = value; return this; }
        /** Host names, {@code *.suffix} patterns or literal addresses job URLs may name although they are private. */
        public Builder allowedPrivateHosts(Set<String> value) { this.allowedPrivateHosts = value == null ? Set.of() : value; return this; }
        public Builder maxRequestBytes(int value) { this.maxRequestBytes = value; return this; }
        public Builder maxSpecBytes(int value) { this.maxSpecBytes = value; return this; }
        public Builder messaging(MessagingService value) { this.messaging = value; return this; }
        public Builder queueEndpoint(String value) { this.queueEndpoint = value; return this; }
        public Builder serviceBusConnectionString(String value) { this.serviceBusConnectionString = value; return this; }
        public Builder serviceBusNamespace(String value) { this.serviceBusNamespace = value; return this; }
        public Builder queuePrefix(String value) { this.queuePrefix = value; return this; }
        /** The blob endpoint of the region leases; derived from the table endpoint when unset. */
        public Builder blobEndpoint(String value) { this.blobEndpoint = value; return this; }

        Builder earlierProblems(List<String> problems) {
            this.earlierProblems = List.copyOf(problems);
            return this;
        }

        /** The OpenID metadata, tenant and audience checks. */
        private void authProblems(List<String> problems) {
            if (authMetadataUrl != null) {
                if (authJwksUrl != null) {
                    problems.add("set " + AUTH_METADATA_URL + " or " + AUTH_JWKS_URL + ", not both");
                }
                if (!DEV_ISSUER.equals(authIssuer)) {
                    problems.add(AUTH_ISSUER + " must not be set with " + AUTH_METADATA_URL
                            + ": the issuer comes from the OpenID configuration");
                }
                metadataUrlProblems(problems);
            }
            boolean anyTenant = authAllowedTenants.contains(ANY_TENANT);
            if (anyTenant && authAllowedTenants.size() > 1
                    || authAllowedTenants.stream().anyMatch(t -> !t.equals(ANY_TENANT)
                            && !TENANT_ID.matcher(t.toLowerCase(Locale.ROOT)).matches())) {
                problems.add(AUTH_ALLOWED_TENANTS + " must be Entra tenant ids (GUIDs) separated by commas, or *");
            }
            if (authOperatorTenants.stream().anyMatch(t -> !TENANT_ID.matcher(t.toLowerCase(Locale.ROOT)).matches())) {
                problems.add(AUTH_OPERATOR_TENANTS + " must be Entra tenant ids (GUIDs) separated by commas");
            }
            if (!authOperatorTenants.isEmpty() && authJwksUrl == null && authMetadataUrl == null && devIssuer) {
                problems.add(AUTH_OPERATOR_TENANTS + " needs " + AUTH_METADATA_URL + " (or " + AUTH_JWKS_URL
                        + "): the development issuer's tenants are whatever a local token says");
            }
            if (authOperatorTenants.isEmpty() && (anyTenant || authAllowedTenants.size() > 1)) {
                // Each admitted tenant's administrators assign app roles to their own users: only the
                // operator's tenants may hold the roles that reach every tenant's data.
                problems.add(AUTH_OPERATOR_TENANTS + " must name the tenant(s) whose tokens may hold " + "ControlPlane.Admin"
                        + " and Agents.Run when " + AUTH_ALLOWED_TENANTS + " admits more than one tenant");
            }
            if (!authAllowedTenants.isEmpty() && authJwksUrl == null && authMetadataUrl == null && devIssuer) {
                problems.add(AUTH_ALLOWED_TENANTS + " needs " + AUTH_METADATA_URL + " (or " + AUTH_JWKS_URL
                        + "): the development issuer admits every tenant");
            }
            if ((authJwksUrl != null || authMetadataUrl != null) && audiencesOf(authAudience).isEmpty()) {
                problems.add(AUTH_AUDIENCE + " must name at least one audience");
            }
        }

        /** The development issuer is an explicit opt-in, and never in Production or on Azure. */
        private void devIssuerProblems(List<String> problems) {
            String entra = "set " + AUTH_METADATA_URL + " and " + AUTH_AUDIENCE + " for Entra ID (or " + AUTH_JWKS_URL + " and "
                    + AUTH_ISSUER + ")";
            boolean issuerConfigured = authJwksUrl != null || authMetadataUrl != null;
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

        private void allowedPrivateHostProblems(List<String> problems) {
            for (String host : allowedPrivateHosts) {
                if (!ALLOWED_HOST.matcher(host.toLowerCase(Locale.ROOT)).matches() || host.equals("*") || host.startsWith("*.")
                        && !host.substring(2).contains(".")) {
                    problems.add(JOBS_ALLOWED_PRIVATE_HOSTS + ": '" + host + "' is not a host name, a *.domain.tld pattern or"
                            + " an IP address");
                }
            }
        }

        private void metadataUrlProblems(List<String> problems) {
            URI uri;
            try {
                uri = new URI(authMetadataUrl);
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
            } else if (authAllowedTenants.isEmpty() && MULTI_TENANT_AUTHORITY.matcher(path).matches()) {
                problems.add(AUTH_ALLOWED_TENANTS + " must list the tenant ids to admit (or *): " + AUTH_METADATA_URL
                        + " is multi-tenant");
            }
        }

        public ControlPlaneSettings build() {
            List<String> problems = new ArrayList<>(earlierProblems);
            if (regions.isEmpty()) {
                problems.add(REGIONS + " must list the Azure regions this deployment serves, e.g. westeurope");
            }
            for (String region : regions) {
                if (!RegionName.isValid(region)) {
                    problems.add(REGIONS + ": '" + region + "' is not an Azure region name");
                }
            }
            if (storageConnectionString == null && tableEndpoint == null) {
                problems.add("set " + STORAGE_CONNECTION_STRING + " (or " + FUNCTIONS_STORAGE + ") or " + TABLE_ENDPOINT);
            }
            if (tablePrefix == null || !tablePrefix.matches("[A-Za-z][A-Za-z0-9]{0,40}")) {
                problems.add(TABLE_PREFIX + " must be letters and digits, starting with a letter");
            }
            devIssuerProblems(problems);
            if (authJwksUrl != null && !authJwksUrl.startsWith("https://")) {
                problems.add(AUTH_JWKS_URL + " must be an https URL");
            }
            if (authJwksUrl != null && DEV_ISSUER.equals(authIssuer)) {
                problems.add(AUTH_ISSUER + " must name the token issuer when " + AUTH_JWKS_URL + " is set");
            }
            authProblems(problems);
            allowedPrivateHostProblems(problems);
            if (maxRequestBytes < 1024) {
                problems.add(MAX_REQUEST_BYTES + " must be at least 1024");
            }
            if (maxSpecBytes < 1024 || maxSpecBytes > 256 * 1024) {
                problems.add(MAX_SPEC_BYTES + " must be from 1024 to 262144 (a spec must fit one table entity)");
            }
            String effectiveQueueEndpoint = queueEndpoint != null ? queueEndpoint : queueEndpointOf(tableEndpoint);
            if (messaging == null) {
                problems.add(MESSAGING + " must be storagequeues or servicebus");
            } else if (messaging == MessagingService.StorageQueues && storageConnectionString == null
                    && effectiveQueueEndpoint == null && tableEndpoint != null) {
                problems.add("set " + QUEUE_ENDPOINT + " (https://<account>.queue.core.windows.net): it cannot be derived from "
                        + TABLE_ENDPOINT);
            } else if (messaging == MessagingService.ServiceBus && serviceBusConnectionString == null && serviceBusNamespace == null) {
                problems.add(MESSAGING + "=servicebus needs " + SERVICEBUS_CONNECTION_STRING + " or " + SERVICEBUS_NAMESPACE);
            }
            if (serviceBusConnectionString != null
                    && !serviceBusConnectionString.toLowerCase(Locale.ROOT).contains("endpoint=sb://")) {
                problems.add(SERVICEBUS_CONNECTION_STRING + " must be a Service Bus connection string (Endpoint=sb://...)");
            }
            if (serviceBusNamespace != null && !serviceBusNamespace.matches("[A-Za-z0-9][A-Za-z0-9-]*(\\.[A-Za-z0-9-]+)+")) {
                problems.add(SERVICEBUS_NAMESPACE + " must be the fully qualified host name, e.g. contoso.servicebus.windows.net"
                        + " (no sb:// or https://)");
            }
            if (queuePrefix == null || queuePrefix.length() > 43 || !queuePrefix.matches("([a-z0-9]+(-[a-z0-9]+)*-?)?")) {
                problems.add(QUEUE_PREFIX + " must be lower-case letters, digits and single hyphens, not starting with a hyphen,"
                        + " at most 43");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid control plane settings:\n - " + String.join("\n - ", problems));
            }
            return new ControlPlaneSettings(environment, regions, storageConnectionString, tableEndpoint, tablePrefix,
                    authIssuer, authAudience, authJwksUrl, authMetadataUrl,
                    authAllowedTenants.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()),
                    authOperatorTenants.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()),
                    devIssuer, devIssuerKeyFile,
                    allowedPrivateHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()),
                    maxRequestBytes, maxSpecBytes, messaging,
                    effectiveQueueEndpoint, serviceBusConnectionString, serviceBusNamespace, queuePrefix,
                    blobEndpoint != null ? blobEndpoint : blobEndpointOf(tableEndpoint));
        }
    }
}
