package io.controlplane.config;

import io.controlplane.domain.RegionName;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The control plane's configuration, immutable, validated at {@link Builder#build()} (every
 * problem reported at once): the deployment's environment, regions and request limits, with its
 * {@link #storage() storage}, {@link #auth() auth} and {@link #messaging() messaging} settings. Both
 * hosts read it from the same setting names (the constants here): environment variables, Function
 * App settings, or {@code local.settings.json} Values.
 */
public record ControlPlaneSettings(
        Environment environment,
        Set<String> regions,
        StorageSettings storage,
        AuthSettings auth,
        Set<String> allowedPrivateHosts,
        int maxRequestBytes,
        int maxSpecBytes,
        MessagingSettings messaging) {

    /** Development allows the local token issuer; Production refuses it. */
    public enum Environment { Development, Production }

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

    private static final Pattern ALLOWED_HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
            + "|[0-9.]+|\\[[0-9a-f:.]+]");
    private static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    private static final int DEFAULT_MAX_SPEC_BYTES = 256 * 1024;

    public static final String DEV_ISSUER = "urn:controlplane:dev-issuer";
    public static final String DEFAULT_AUDIENCE = "api://migration-controlplane";

    public ControlPlaneSettings {
        regions = Set.copyOf(regions);
        allowedPrivateHosts = Set.copyOf(allowedPrivateHosts);
    }

    /**
     * Without the storage and Service Bus connection strings, which may carry keys: settings get
     * logged at start-up, and credentials must never reach a log.
     */
    @Override
    public String toString() {
        return "ControlPlaneSettings[environment=" + environment + ", regions=" + sorted(regions)
                + ", storageConnectionString=" + (storage.connectionString() == null ? null : "<redacted>")
                + ", tableEndpoint=" + storage.tableEndpoint() + ", tablePrefix=" + storage.tablePrefix()
                + ", authIssuer=" + auth.issuer() + ", authAudience=" + auth.audience() + ", authJwksUrl=" + auth.jwksUrl()
                + ", authMetadataUrl=" + auth.metadataUrl() + ", authAllowedTenants=" + sorted(auth.allowedTenants())
                + ", authOperatorTenants=" + sorted(auth.operatorTenants()) + ", devIssuer=" + auth.devIssuer()
                + ", devIssuerKeyFile=" + auth.devIssuerKeyFile() + ", allowedPrivateHosts=" + sorted(allowedPrivateHosts)
                + ", maxRequestBytes=" + maxRequestBytes + ", maxSpecBytes=" + maxSpecBytes
                + ", messaging=" + messaging.service().settingValue() + ", queueEndpoint=" + storage.queueEndpoint()
                + ", serviceBusConnectionString=" + (messaging.serviceBusConnectionString() == null ? null : "<redacted>")
                + ", serviceBusNamespace=" + messaging.serviceBusNamespace() + ", queuePrefix=" + messaging.queuePrefix()
                + ", blobEndpoint=" + storage.blobEndpoint() + "]";
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads every setting from a name → value map (environment, app settings). */
    public static ControlPlaneSettings from(Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        Builder b = builder()
                .environment(SettingValues.choice(values, ENVIRONMENT, Environment.Development, Environment::name, problems))
                .regions(SettingValues.list(values, REGIONS))
                .storage(StorageSettings.read(values))
                .auth(AuthSettings.read(values, problems))
                .allowedPrivateHosts(SettingValues.list(values, JOBS_ALLOWED_PRIVATE_HOSTS))
                .maxRequestBytes(SettingValues.integer(values, MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES, problems))
                .maxSpecBytes(SettingValues.integer(values, MAX_SPEC_BYTES, DEFAULT_MAX_SPEC_BYTES, problems))
                .messaging(MessagingSettings.read(values, problems));
        b.earlierProblems = List.copyOf(problems);
        return b.build();
    }

    /** Builds settings; {@link #build()} checks them all and names every problem. */
    public static final class Builder {
        private Environment environment = Environment.Development;
        private Set<String> regions = Set.of();
        private StorageSettings.Builder storage = StorageSettings.builder();
        private AuthSettings.Builder auth = AuthSettings.builder();
        private Set<String> allowedPrivateHosts = Set.of();
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private int maxSpecBytes = DEFAULT_MAX_SPEC_BYTES;
        private MessagingSettings.Builder messaging = MessagingSettings.builder();
        private List<String> earlierProblems = List.of();

        public Builder environment(Environment value) { this.environment = value; return this; }
        public Builder regions(Set<String> value) { this.regions = value == null ? Set.of() : value; return this; }
        public Builder storage(StorageSettings.Builder value) { this.storage = value; return this; }
        public Builder auth(AuthSettings.Builder value) { this.auth = value; return this; }
        /** Host names, {@code *.suffix} patterns or literal addresses job URLs may name although they are private. */
        public Builder allowedPrivateHosts(Set<String> value) { this.allowedPrivateHosts = value == null ? Set.of() : value; return this; }
        public Builder maxRequestBytes(int value) { this.maxRequestBytes = value; return this; }
        public Builder maxSpecBytes(int value) { this.maxSpecBytes = value; return this; }
        public Builder messaging(MessagingSettings.Builder value) { this.messaging = value; return this; }

        private void allowedPrivateHostProblems(List<String> problems) {
            for (String host : allowedPrivateHosts) {
                if (!ALLOWED_HOST.matcher(host.toLowerCase(Locale.ROOT)).matches() || host.equals("*") || host.startsWith("*.")
                        && !host.substring(2).contains(".")) {
                    problems.add(JOBS_ALLOWED_PRIVATE_HOSTS + ": '" + host + "' is not a host name, a *.domain.tld pattern or"
                            + " an IP address");
                }
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
            StorageSettings storageSettings = storage.build(problems);
            AuthSettings authSettings = auth.build(environment, problems);
            allowedPrivateHostProblems(problems);
            if (maxRequestBytes < 1024) {
                problems.add(MAX_REQUEST_BYTES + " must be at least 1024");
            }
            if (maxSpecBytes < 1024 || maxSpecBytes > 256 * 1024) {
                problems.add(MAX_SPEC_BYTES + " must be from 1024 to 262144 (a spec must fit one table entity)");
            }
            MessagingSettings messagingSettings = messaging.build(storageSettings, problems);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid control plane settings:\n - " + String.join("\n - ", problems));
            }
            return new ControlPlaneSettings(environment, regions, storageSettings, authSettings,
                    allowedPrivateHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()),
                    maxRequestBytes, maxSpecBytes, messagingSettings);
        }
    }
}
