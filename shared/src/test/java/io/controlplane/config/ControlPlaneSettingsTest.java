package io.controlplane.config;

import static io.controlplane.config.ControlPlaneSettings.AUTH_ALLOWED_TENANTS;
import static io.controlplane.config.ControlPlaneSettings.AUTH_AUDIENCE;
import static io.controlplane.config.ControlPlaneSettings.AUTH_DEV_ISSUER;
import static io.controlplane.config.ControlPlaneSettings.AUTH_ISSUER;
import static io.controlplane.config.ControlPlaneSettings.AUTH_JWKS_URL;
import static io.controlplane.config.ControlPlaneSettings.AUTH_METADATA_URL;
import static io.controlplane.config.ControlPlaneSettings.ENVIRONMENT;
import static io.controlplane.config.ControlPlaneSettings.FUNCTIONS_STORAGE;
import static io.controlplane.config.ControlPlaneSettings.MAX_REQUEST_BYTES;
import static io.controlplane.config.ControlPlaneSettings.MAX_SPEC_BYTES;
import static io.controlplane.config.ControlPlaneSettings.MESSAGING;
import static io.controlplane.config.ControlPlaneSettings.QUEUE_ENDPOINT;
import static io.controlplane.config.ControlPlaneSettings.QUEUE_PREFIX;
import static io.controlplane.config.ControlPlaneSettings.REGIONS;
import static io.controlplane.config.ControlPlaneSettings.SERVICEBUS_CONNECTION_STRING;
import static io.controlplane.config.ControlPlaneSettings.SERVICEBUS_NAMESPACE;
import static io.controlplane.config.ControlPlaneSettings.STORAGE_CONNECTION_STRING;
import static io.controlplane.config.ControlPlaneSettings.TABLE_ENDPOINT;
import static io.controlplane.config.ControlPlaneSettings.TABLE_PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.config.ControlPlaneSettings.Environment;
import io.controlplane.config.MessagingSettings.MessagingService;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ControlPlaneSettingsTest {

    private static final String AZURITE = "UseDevelopmentStorage=true";
    private static final String SERVICE_BUS =
            "Endpoint=sb://sb-contoso.servicebus.windows.net/;SharedAccessKeyName=send-listen;SharedAccessKey=c2Itc2VjcmV0";
    private static final String ENTRA_ISSUER = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0";
    private static final String ENTRA_JWKS = "https://login.microsoftonline.com/common/discovery/v2.0/keys";
    private static final String TENANT_ID = "11111111-2222-3333-4444-555555555555";
    private static final String ENTRA_METADATA =
            "https://login.microsoftonline.com/" + TENANT_ID + "/v2.0/.well-known/openid-configuration";
    private static final String ENTRA_MULTI_TENANT_METADATA =
            "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration";

    /** Regions and storage, no token issuer (refused as they are). */
    private static Map<String, String> base() {
        Map<String, String> values = new HashMap<>();
        values.put(REGIONS, "westeurope");
        values.put(STORAGE_CONNECTION_STRING, AZURITE);
        return values;
    }

    /** The least a local development deployment needs: the development issuer, opted in. */
    private static Map<String, String> minimal() {
        Map<String, String> values = base();
        values.put(AUTH_DEV_ISSUER, "true");
        return values;
    }

    private static Map<String, String> production() {
        Map<String, String> values = base();
        values.put(ENVIRONMENT, "Production");
        values.put(AUTH_JWKS_URL, ENTRA_JWKS);
        values.put(AUTH_ISSUER, ENTRA_ISSUER);
        values.put(AUTH_AUDIENCE, "api://controlplane-prod");
        return values;
    }

    @Test
    void theMinimalSettingsTakeTheDefaults() {
        ControlPlaneSettings settings = ControlPlaneSettings.from(minimal());

        assertThat(settings.environment()).isEqualTo(Environment.Development);
        assertThat(settings.regions()).containsExactly("westeurope");
        assertThat(settings.storage().connectionString()).isEqualTo(AZURITE);
        assertThat(settings.storage().tableEndpoint()).isNull();
        assertThat(settings.storage().tablePrefix()).isEqualTo("cp");
        assertThat(settings.auth().issuer()).isEqualTo(ControlPlaneSettings.DEV_ISSUER);
        assertThat(settings.auth().audience()).isEqualTo(ControlPlaneSettings.DEFAULT_AUDIENCE);
        assertThat(settings.auth().jwksUrl()).isNull();
        assertThat(settings.auth().metadataUrl()).isNull();
        assertThat(settings.auth().allowedTenants()).isEmpty();
        assertThat(settings.auth().usesDevIssuer()).isTrue();
        assertThat(settings.auth().usesOpenIdMetadata()).isFalse();
        assertThat(settings.auth().devIssuerKeyFile()).isEqualTo(".local/dev-issuer-key.json");
        assertThat(settings.maxRequestBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.maxSpecBytes()).isEqualTo(256 * 1024);
        assertThat(settings.messaging().service()).isEqualTo(MessagingService.StorageQueues);
        assertThat(settings.storage().queueEndpoint()).isNull();
        assertThat(settings.messaging().serviceBusConnectionString()).isNull();
        assertThat(settings.messaging().serviceBusNamespace()).isNull();
        assertThat(settings.messaging().queuePrefix()).isEmpty();
    }

    @Test
    void everySettingIsReadFromItsName() {
        Map<String, String> values = production();
        values.put(REGIONS, " westeurope , northeurope,, ");
        values.put(TABLE_ENDPOINT, "https://stcontoso.table.core.windows.net");
        values.put(TABLE_PREFIX, "cpprod");
        values.put(MAX_REQUEST_BYTES, "2048");
        values.put(MAX_SPEC_BYTES, "4096");
        values.put(MESSAGING, "servicebus");
        values.put(QUEUE_ENDPOINT, "https://stqueues.queue.core.windows.net");
        values.put(SERVICEBUS_CONNECTION_STRING, SERVICE_BUS);
        values.put(SERVICEBUS_NAMESPACE, "sb-contoso.servicebus.windows.net");
        values.put(QUEUE_PREFIX, "prod-");

        ControlPlaneSettings settings = ControlPlaneSettings.from(values);

        assertThat(settings.environment()).isEqualTo(Environment.Production);
        assertThat(settings.regions()).containsExactlyInAnyOrder("westeurope", "northeurope");
        assertThat(settings.storage().tableEndpoint()).isEqualTo("https://stcontoso.table.core.windows.net");
        assertThat(settings.storage().tablePrefix()).isEqualTo("cpprod");
        assertThat(settings.auth().issuer()).isEqualTo(ENTRA_ISSUER);
        assertThat(settings.auth().audience()).isEqualTo("api://controlplane-prod");
        assertThat(settings.auth().jwksUrl()).isEqualTo(ENTRA_JWKS);
        assertThat(settings.auth().usesDevIssuer()).isFalse();
        assertThat(settings.maxRequestBytes()).isEqualTo(2048);
        assertThat(settings.maxSpecBytes()).isEqualTo(4096);
        assertThat(settings.messaging().service()).isEqualTo(MessagingService.ServiceBus);
        assertThat(settings.storage().queueEndpoint()).isEqualTo("https://stqueues.queue.core.windows.net");
        assertThat(settings.messaging().serviceBusConnectionString()).isEqualTo(SERVICE_BUS);
        assertThat(settings.messaging().serviceBusNamespace()).isEqualTo("sb-contoso.servicebus.windows.net");
        assertThat(settings.messaging().queuePrefix()).isEqualTo("prod-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"servicebus", "ServiceBus", " SERVICEBUS "})
    void theMessagingValueIsCaseInsensitive(String value) {
        Map<String, String> values = minimal();
        values.put(MESSAGING, value);
        values.put(SERVICEBUS_NAMESPACE, "sb-contoso.servicebus.windows.net");

        assertThat(ControlPlaneSettings.from(values).messaging().service()).isEqualTo(MessagingService.ServiceBus);
        values.put(MESSAGING, value.replace("servicebus", "storagequeues").replace("ServiceBus", "StorageQueues")
                .replace("SERVICEBUS", "STORAGEQUEUES"));
        assertThat(ControlPlaneSettings.from(values).messaging().service()).isEqualTo(MessagingService.StorageQueues);
    }

    @Test
    void serviceBusNeedsAConnectionStringOrANamespace() {
        Map<String, String> values = minimal();
        values.put(MESSAGING, "servicebus");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(MESSAGING + "=servicebus needs " + SERVICEBUS_CONNECTION_STRING + " or " + SERVICEBUS_NAMESPACE);

        values.put(SERVICEBUS_NAMESPACE, "sb-contoso.servicebus.windows.net");
        assertThat(ControlPlaneSettings.from(values).messaging().serviceBusNamespace()).isEqualTo("sb-contoso.servicebus.windows.net");
        values.remove(SERVICEBUS_NAMESPACE);
        values.put(SERVICEBUS_CONNECTION_STRING, SERVICE_BUS);
        assertThat(ControlPlaneSettings.from(values).messaging().serviceBusConnectionString()).isEqualTo(SERVICE_BUS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://sb-contoso.servicebus.windows.net", "sb://sb-contoso.servicebus.windows.net/", "sb-contoso",
            "sb contoso.servicebus.windows.net"})
    void theNamespaceIsAHostName(String namespace) {
        Map<String, String> values = minimal();
        values.put(MESSAGING, "servicebus");
        values.put(SERVICEBUS_NAMESPACE, namespace);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(SERVICEBUS_NAMESPACE + " must be the fully qualified host name");
    }

    @Test
    void aServiceBusConnectionStringIsCheckedWithoutEchoingIt() {
        Map<String, String> values = minimal();
        values.put(MESSAGING, "servicebus");
        values.put(SERVICEBUS_CONNECTION_STRING, "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c2VjcmV0a2V5");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(SERVICEBUS_CONNECTION_STRING + " must be a Service Bus connection string")
                .message().doesNotContain("c2VjcmV0a2V5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Jobs", "-cp", "c--p", "c_p", "abcdefghijabcdefghijabcdefghijabcdefghijabcd"})
    void aQueuePrefixMustMakeValidQueueNames(String prefix) {
        Map<String, String> values = minimal();
        values.put(QUEUE_PREFIX, prefix);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values)).hasMessageContaining(QUEUE_PREFIX + " must be lower-case");
    }

    @Test
    void theQueueEndpointFollowsTheTableEndpointUnlessSet() {
        Map<String, String> values = minimal();
        values.remove(STORAGE_CONNECTION_STRING);
        values.put(TABLE_ENDPOINT, "https://stcontoso.table.core.windows.net/");

        assertThat(ControlPlaneSettings.from(values).storage().queueEndpoint()).isEqualTo("https://stcontoso.queue.core.windows.net");

        values.put(TABLE_ENDPOINT, "https://stcontoso.table.core.chinacloudapi.cn");
        assertThat(ControlPlaneSettings.from(values).storage().queueEndpoint()).isEqualTo("https://stcontoso.queue.core.chinacloudapi.cn");

        values.put(QUEUE_ENDPOINT, "https://stother.queue.core.windows.net");
        assertThat(ControlPlaneSettings.from(values).storage().queueEndpoint()).isEqualTo("https://stother.queue.core.windows.net");
    }

    @Test
    void theBlobEndpointFollowsTheTableEndpointUnlessSet() {
        Map<String, String> values = minimal();
        values.remove(STORAGE_CONNECTION_STRING);
        values.put(TABLE_ENDPOINT, "https://stcontoso.table.core.windows.net/");

        assertThat(ControlPlaneSettings.from(values).storage().blobEndpoint()).isEqualTo("https://stcontoso.blob.core.windows.net");

        values.put(ControlPlaneSettings.BLOB_ENDPOINT, "https://stother.blob.core.windows.net");
        assertThat(ControlPlaneSettings.from(values).storage().blobEndpoint()).isEqualTo("https://stother.blob.core.windows.net");

        values.remove(ControlPlaneSettings.BLOB_ENDPOINT);
        values.put(TABLE_ENDPOINT, "https://tables.contoso.example");
        values.put(QUEUE_ENDPOINT, "https://stother.queue.core.windows.net");
        assertThat(ControlPlaneSettings.from(values).storage().blobEndpoint()).isNull();
    }

    @Test
    void aTableEndpointOfAnotherFormNeedsTheQueueEndpointForStorageQueues() {
        Map<String, String> values = minimal();
        values.remove(STORAGE_CONNECTION_STRING);
        values.put(TABLE_ENDPOINT, "https://tables.contoso.example");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values)).hasMessageContaining("set " + QUEUE_ENDPOINT);

        values.put(MESSAGING, "servicebus");
        values.put(SERVICEBUS_NAMESPACE, "sb-contoso.servicebus.windows.net");
        assertThat(ControlPlaneSettings.from(values).storage().queueEndpoint()).isNull();
    }

    @Test
    void everyMessagingProblemIsReportedAtOnce() {
        Map<String, String> values = minimal();
        values.put(MESSAGING, "kafka");
        values.put(SERVICEBUS_CONNECTION_STRING, "UseDevelopmentStorage=true");
        values.put(SERVICEBUS_NAMESPACE, "https://sb");
        values.put(QUEUE_PREFIX, "Q");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContainingAll(MESSAGING + " must be storagequeues or servicebus",
                        SERVICEBUS_CONNECTION_STRING + " must be", SERVICEBUS_NAMESPACE + " must be", QUEUE_PREFIX + " must be");
    }

    @ParameterizedTest
    @ValueSource(strings = {"production", "PRODUCTION", " Production "})
    void theEnvironmentNameIsCaseInsensitive(String name) {
        Map<String, String> values = production();
        values.put(ENVIRONMENT, name);

        assertThat(ControlPlaneSettings.from(values).environment()).isEqualTo(Environment.Production);
    }

    @Test
    void productionWithoutAJwksUrlIsRefused() {
        Map<String, String> values = minimal();
        values.put(ENVIRONMENT, "Production");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(AUTH_JWKS_URL)
                .hasMessageContaining("Production");
    }

    @Test
    void developmentWithoutAJwksUrlUsesTheDevIssuer() {
        assertThat(ControlPlaneSettings.from(minimal()).auth().usesDevIssuer()).isTrue();
    }

    @Test
    void aJwksUrlNeedsARealIssuer() {
        Map<String, String> values = base();
        values.put(AUTH_JWKS_URL, ENTRA_JWKS);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values)).hasMessageContaining(AUTH_ISSUER);
    }

    /** Production on Entra ID the recommended way: the OpenID configuration document. */
    private static Map<String, String> productionWithMetadata() {
        Map<String, String> values = base();
        values.put(ENVIRONMENT, "Production");
        values.put(AUTH_METADATA_URL, ENTRA_METADATA);
        values.put(AUTH_AUDIENCE, "api://controlplane-prod");
        return values;
    }

    @Test
    void productionWithOpenIdMetadataIsAccepted() {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_AUDIENCE, " api://controlplane-prod , 5e4c2a1b-0000-4000-8000-00000000c0de ,");

        ControlPlaneSettings settings = ControlPlaneSettings.from(values);

        assertThat(settings.auth().usesDevIssuer()).isFalse();
        assertThat(settings.auth().usesOpenIdMetadata()).isTrue();
        assertThat(settings.auth().metadataUrl()).isEqualTo(ENTRA_METADATA);
        assertThat(settings.auth().audiences()).containsExactly("api://controlplane-prod", "5e4c2a1b-0000-4000-8000-00000000c0de");
        assertThat(settings.auth().allowedTenants()).isEmpty();
        assertThat(settings.toString()).contains("authMetadataUrl=" + ENTRA_METADATA);
    }

    @Test
    void productionNamesBothWaysToConfigureEntraId() {
        Map<String, String> values = minimal();
        values.put(ENVIRONMENT, "Production");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContainingAll("development token issuer is refused in Production", AUTH_METADATA_URL, AUTH_JWKS_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://login.microsoftonline.com/" + TENANT_ID + "/v2.0/.well-known/openid-configuration",
            "http://127.0.0.1:8080/" + TENANT_ID + "/v2.0/.well-known/openid-configuration",
            "ftp://login.microsoftonline.com/x/.well-known/openid-configuration", "login.microsoftonline.com/.well-known/openid-configuration"})
    void productionNeedsHttpsMetadata(String url) {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_METADATA_URL, url);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values)).hasMessageContaining(AUTH_METADATA_URL + " must be an https URL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"})
    void developmentAllowsPlainHttpMetadataOnLoopbackOnly(String base) {
        Map<String, String> values = base();
        values.put(AUTH_METADATA_URL, base + "/" + TENANT_ID + "/v2.0/.well-known/openid-configuration");

        assertThat(ControlPlaneSettings.from(values).auth().usesOpenIdMetadata()).isTrue();
        values.put(AUTH_METADATA_URL, "http://issuer.example/" + TENANT_ID + "/v2.0/.well-known/openid-configuration");
        assertThatThrownBy(() -> ControlPlaneSettings.from(values)).hasMessageContaining(AUTH_METADATA_URL + " must be an https URL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://login.microsoftonline.com/" + TENANT_ID + "/v2.0",
            "https://login.microsoftonline.com/" + TENANT_ID + "/discovery/v2.0/keys"})
    void theMetadataUrlIsTheOpenIdConfigurationDocument(String url) {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_METADATA_URL, url);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(AUTH_METADATA_URL + " must be the OpenID configuration document");
    }

    @Test
    void theMetadataUrlMayCarryAQuery() {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_METADATA_URL, ENTRA_METADATA + "?appid=5e4c2a1b-0000-4000-8000-00000000c0de");

        assertThat(ControlPlaneSettings.from(values).auth().usesOpenIdMetadata()).isTrue();
    }

    @Test
    void theMetadataGivesTheIssuerSoNeitherAJwksUrlNorAnIssuerMayBeSetToo() {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_JWKS_URL, ENTRA_JWKS);
        values.put(AUTH_ISSUER, ENTRA_ISSUER);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContainingAll("set " + AUTH_METADATA_URL + " or " + AUTH_JWKS_URL + ", not both",
                        AUTH_ISSUER + " must not be set with " + AUTH_METADATA_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"organizations", "common", "Organizations", "consumers"})
    void multiTenantMetadataNeedsTheAllowedTenants(String authority) {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_METADATA_URL, ENTRA_MULTI_TENANT_METADATA.replace("organizations", authority));

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(AUTH_ALLOWED_TENANTS + " must list the tenant ids to admit");

        values.put(AUTH_ALLOWED_TENANTS, "*");
        values.put(ControlPlaneSettings.AUTH_OPERATOR_TENANTS, TENANT_ID);
        assertThat(ControlPlaneSettings.from(values).auth().allowedTenants()).containsExactly("*");
    }

    @Test
    void allowedTenantsAreTenantIdsInLowerCase() {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_METADATA_URL, ENTRA_MULTI_TENANT_METADATA);
        values.put(AUTH_ALLOWED_TENANTS, " " + TENANT_ID.toUpperCase() + " ,99999999-8888-7777-6666-555555555555,");
        values.put(ControlPlaneSettings.AUTH_OPERATOR_TENANTS, TENANT_ID.toUpperCase());

        assertThat(ControlPlaneSettings.from(values).auth().allowedTenants())
                .containsExactlyInAnyOrder(TENANT_ID, "99999999-8888-7777-6666-555555555555");
    }

    @ParameterizedTest
    @ValueSource(strings = {"contoso.onmicrosoft.com", "*, " + TENANT_ID, "organizations", TENANT_ID + "0"})
    void allowedTenantsMustBeTenantIdsOrStar(String value) {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_ALLOWED_TENANTS, value);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(AUTH_ALLOWED_TENANTS + " must be Entra tenant ids (GUIDs) separated by commas, or *");
    }

    @Test
    void allowedTenantsNeedEntraId() {
        Map<String, String> values = minimal();
        values.put(AUTH_ALLOWED_TENANTS, TENANT_ID);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(AUTH_ALLOWED_TENANTS + " needs " + AUTH_METADATA_URL);

        values.remove(AUTH_DEV_ISSUER);
        values.put(AUTH_JWKS_URL, ENTRA_JWKS);
        values.put(AUTH_ISSUER, ENTRA_ISSUER);
        assertThat(ControlPlaneSettings.from(values).auth().allowedTenants()).containsExactly(TENANT_ID);
    }

    @Test
    void entraIdNeedsAnAudience() {
        Map<String, String> values = productionWithMetadata();
        values.put(AUTH_AUDIENCE, " , ,");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values)).hasMessageContaining(AUTH_AUDIENCE + " must name at least one");
    }

    @Test
    void theFunctionsStorageSettingIsTheFallbackConnection() {
        Map<String, String> values = minimal();
        values.remove(STORAGE_CONNECTION_STRING);
        values.put(FUNCTIONS_STORAGE, "DefaultEndpointsProtocol=https;AccountName=fn");

        assertThat(ControlPlaneSettings.from(values).storage().connectionString())
                .isEqualTo("DefaultEndpointsProtocol=https;AccountName=fn");

        values.put(STORAGE_CONNECTION_STRING, AZURITE);
        assertThat(ControlPlaneSettings.from(values).storage().connectionString()).isEqualTo(AZURITE);
    }

    @Test
    void aTableEndpointAloneIsEnoughStorage() {
        Map<String, String> values = minimal();
        values.remove(STORAGE_CONNECTION_STRING);
        values.put(TABLE_ENDPOINT, "https://stcontoso.table.core.windows.net");

        assertThat(ControlPlaneSettings.from(values).storage().connectionString()).isNull();
    }

    @Test
    void blankValuesCountAsUnset() {
        Map<String, String> values = minimal();
        values.put(ENVIRONMENT, "  ");
        values.put(TABLE_PREFIX, "");
        values.put(MAX_SPEC_BYTES, " ");

        ControlPlaneSettings settings = ControlPlaneSettings.from(values);

        assertThat(settings.environment()).isEqualTo(Environment.Development);
        assertThat(settings.storage().tablePrefix()).isEqualTo("cp");
        assertThat(settings.maxSpecBytes()).isEqualTo(256 * 1024);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, String> values = new HashMap<>();
        values.put(ENVIRONMENT, "Staging");
        values.put(REGIONS, "westeurope,West Europe");
        values.put(TABLE_PREFIX, "1cp");
        values.put(AUTH_JWKS_URL, "http://keys.example.com");
        values.put(MAX_REQUEST_BYTES, "lots");
        values.put(MAX_SPEC_BYTES, "999999");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(
                        ENVIRONMENT + " must be Development or Production",
                        "'West Europe' is not an Azure region name",
                        STORAGE_CONNECTION_STRING,
                        TABLE_PREFIX,
                        AUTH_JWKS_URL + " must be an https URL",
                        AUTH_ISSUER + " must name the token issuer",
                        MAX_REQUEST_BYTES + " must be an integer",
                        MAX_SPEC_BYTES + " must be from 1024 to 262144");
    }

    @Test
    void productionAndLimitProblemsAreReportedTogether() {
        Map<String, String> values = new HashMap<>();
        values.put(ENVIRONMENT, "Production");
        values.put(MAX_REQUEST_BYTES, "10");
        values.put(MAX_SPEC_BYTES, "10");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContainingAll(REGIONS + " must list", AUTH_JWKS_URL, MAX_REQUEST_BYTES + " must be at least 1024",
                        MAX_SPEC_BYTES + " must be from 1024");
    }

    @Test
    void theBuilderValidatesToo() {
        assertThatThrownBy(() -> ControlPlaneSettings.builder().regions(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(REGIONS, STORAGE_CONNECTION_STRING);

        ControlPlaneSettings built = ControlPlaneSettings.builder()
                .regions(Set.of("northeurope")).storage(StorageSettings.builder().tableEndpoint("https://st.table.core.windows.net"))
                .auth(AuthSettings.builder().devIssuer(true)).build();
        assertThat(built.regions()).containsExactly("northeurope");
    }

    @Test
    void theRegionsCannotBeChangedAfterwards() {
        Set<String> regions = new java.util.HashSet<>(Set.of("westeurope"));
        ControlPlaneSettings settings = ControlPlaneSettings.builder().regions(regions)
                .storage(StorageSettings.builder().connectionString(AZURITE)).auth(AuthSettings.builder().devIssuer(true)).build();

        regions.add("northeurope");

        assertThat(settings.regions()).containsExactly("westeurope");
        assertThatThrownBy(() -> settings.regions().add("eastus")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringDoesNotRevealTheStorageKey() {
        Map<String, String> values = minimal();
        values.put(STORAGE_CONNECTION_STRING, "DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=c2VjcmV0a2V5");

        String text = ControlPlaneSettings.from(values).toString();

        assertThat(text).doesNotContain("c2VjcmV0a2V5").contains("westeurope", "<redacted>");
    }

    @Test
    void toStringDoesNotRevealTheServiceBusKey() {
        Map<String, String> values = minimal();
        values.put(MESSAGING, "servicebus");
        values.put(SERVICEBUS_CONNECTION_STRING, SERVICE_BUS);

        String text = ControlPlaneSettings.from(values).toString();

        assertThat(text).doesNotContain("c2Itc2VjcmV0").contains("messaging=servicebus", "serviceBusConnectionString=<redacted>");
    }

    // --- the development issuer is an explicit opt-in, never on Azure, never on other machines ---

    @Test
    void withoutAnyIssuerTheServiceDoesNotStartAndNamesTheOptIn() {
        assertThatThrownBy(() -> ControlPlaneSettings.from(base()))
                .hasMessageContainingAll("no token issuer is configured", AUTH_METADATA_URL, AUTH_DEV_ISSUER + "=true");
    }

    @Test
    void theDevIssuerIsUsedOnlyWhenOptedIn() {
        assertThat(ControlPlaneSettings.from(minimal()).auth().usesDevIssuer()).isTrue();
        Map<String, String> values = base();
        values.put(AUTH_DEV_ISSUER, "false");
        assertThatThrownBy(() -> ControlPlaneSettings.from(values)).hasMessageContaining("no token issuer is configured");
        values.put(AUTH_DEV_ISSUER, "yes");
        assertThatThrownBy(() -> ControlPlaneSettings.from(values)).hasMessageContaining(AUTH_DEV_ISSUER + " must be true or false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"WEBSITE_INSTANCE_ID", "CONTAINER_APP_NAME", "KUBERNETES_SERVICE_HOST"})
    void theDevIssuerIsRefusedWhenTheProcessRunsOnAzureOrKubernetes(String signal) {
        Map<String, String> values = minimal();
        values.put(signal, "anything");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContainingAll("development token issuer is refused on Azure or Kubernetes", signal);
        // A real issuer there is fine.
        Map<String, String> entra = productionWithMetadata();
        entra.put(signal, "anything");
        assertThat(ControlPlaneSettings.from(entra).auth().usesDevIssuer()).isFalse();
    }

    @Test
    void theDevIssuerAndARealIssuerExcludeEachOther() {
        Map<String, String> values = minimal();
        values.put(AUTH_METADATA_URL, ENTRA_METADATA);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(AUTH_DEV_ISSUER + "=true excludes " + AUTH_METADATA_URL);
    }

    @Test
    void theDevIssuerIsRefusedInProductionEvenWhenOptedIn() {
        Map<String, String> values = minimal();
        values.put(ENVIRONMENT, "Production");

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining("development token issuer is refused in Production");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "0:0:0:0:0:0:0:1"})
    void theDevIssuerServesLoopbackAddresses(String address) {
        ControlPlaneSettings settings = ControlPlaneSettings.from(minimal());

        settings.auth().requireLoopbackForDevIssuer("BIND_ADDRESS", address);
        assertThat(AuthSettings.isLoopback(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::", "10.0.0.4", "192.168.1.10", "128.0.0.1", "127.0.0.256", "host.example.com",
            "localhost.example.com", ""})
    void theDevIssuerRefusesEveryOtherBindAddress(String address) {
        ControlPlaneSettings settings = ControlPlaneSettings.from(minimal());

        assertThatThrownBy(() -> settings.auth().requireLoopbackForDevIssuer("BIND_ADDRESS", address))
                .hasMessageContainingAll(AUTH_DEV_ISSUER + "=true needs BIND_ADDRESS to be a loopback address");
        // With Entra ID any address will do.
        ControlPlaneSettings.from(productionWithMetadata()).auth().requireLoopbackForDevIssuer("BIND_ADDRESS", address);
    }

    // --- hosts job URLs may name although they are private ---

    @Test
    void allowedPrivateHostsAreListedLowerCase() {
        Map<String, String> values = minimal();
        values.put(ControlPlaneSettings.JOBS_ALLOWED_PRIVATE_HOSTS, " TFS.contoso.local , *.corp.contoso.com,10.1.2.3,[fd00::5]");

        assertThat(ControlPlaneSettings.from(values).allowedPrivateHosts())
                .containsExactlyInAnyOrder("tfs.contoso.local", "*.corp.contoso.com", "10.1.2.3", "[fd00::5]");
        assertThat(ControlPlaneSettings.from(minimal()).allowedPrivateHosts()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "*.local", "https://tfs.contoso.local", "tfs.contoso.local:8080", "tfs/x", "a..b"})
    void malformedAllowedPrivateHostsAreRefused(String host) {
        Map<String, String> values = minimal();
        values.put(ControlPlaneSettings.JOBS_ALLOWED_PRIVATE_HOSTS, host);

        assertThatThrownBy(() -> ControlPlaneSettings.from(values))
                .hasMessageContaining(ControlPlaneSettings.JOBS_ALLOWED_PRIVATE_HOSTS + ": '" + host + "'");
    }
}
