package io.controlplane.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.config.TelemetrySettings;
import io.controlplane.domain.Tier;
import io.controlplane.functions.DispatchFunction;
import io.controlplane.functions.IntakeFunctions;
import io.controlplane.functions.IntakeQueueSettings;
import io.controlplane.functions.ReconcileFunction;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The templates create what the code uses, under the names the code uses, and configure it with
 * the settings the code reads: table and queue names, the Functions triggers' connections and
 * %SETTING% references, the control plane's settings. Read from what check-bicep.mjs --describe
 * finds in the parsed templates, and from the code itself (constants and trigger annotations).
 */
class BicepMatchesCodeTest {

    private static final Pattern SETTING_REFERENCE = Pattern.compile("%([A-Za-z0-9_]+)%");

    private static JsonNode description;
    private static JsonNode main;
    private static JsonNode functionApp;
    private static JsonNode containerApps;

    @BeforeAll
    static void describeTemplates() throws Exception {
        description = BicepChecker.describe();
        main = description.path("files").path("bicep/main.bicep");
        functionApp = description.path("files").path("bicep/modules/function-app.bicep");
        containerApps = description.path("files").path("bicep/modules/container-apps.bicep");
        assertThat(main.isMissingNode()).isFalse();
        assertThat(functionApp.isMissingNode()).isFalse();
        assertThat(containerApps.isMissingNode()).isFalse();
    }

    @Test
    void theTablesAreTheOnesTheTableStoreUses() throws Exception {
        @SuppressWarnings("unchecked")
        List<String> tables = (List<String>) constant("io.controlplane.adapters.tables.TableNames", "ALL");

        assertThat(strings(main.path("vars").path("tableNames"))).containsExactlyInAnyOrderElementsOf(tables);
    }

    @Test
    void theIntakeQueuesAreTheOnesTheTriggersListenOnPlatinumFirst() {
        List<String> serviceBusQueues = triggerQueueNames(ServiceBusQueueTrigger.class).stream()
                .filter(q -> !q.equals(main.path("vars").path("dispatchQueueName").asText()))
                .toList();
        List<String> storageQueues = triggerQueueNames(QueueTrigger.class);
        List<String> tiers = Arrays.stream(Tier.values())
                .sorted(Comparator.comparingInt(Tier::rank).reversed())
                .map(t -> "jobs-" + t.name().toLowerCase(Locale.ROOT))
                .toList();

        List<String> bicepQueues = strings(main.path("vars").path("intakeQueueNames"));
        assertThat(bicepQueues).containsExactlyInAnyOrderElementsOf(serviceBusQueues)
                .containsExactlyInAnyOrderElementsOf(storageQueues);
        // main.bicep gives the first one to the Platinum agent pool's scale rule.
        assertThat(bicepQueues).containsExactlyElementsOf(tiers);
    }

    @Test
    void theDispatchAndInboxQueuesAreTheOnesTheAdaptersUseAndTheDispatchTriggerListensOn() throws Exception {
        assertThat(main.path("vars").path("dispatchQueueName").asText())
                .isEqualTo(constant("io.controlplane.adapters.servicebus.ServiceBusDispatchBus", "QUEUE"));
        assertThat(main.path("vars").path("agentInboxQueueName").asText())
                .isEqualTo(constant("io.controlplane.adapters.servicebus.ServiceBusAgentInbox", "QUEUE"));

        JsonNode hostSettings = functionApp.path("vars").path("functionsHostSettings");
        assertThat(hostSettings.path(IntakeQueueSettings.DISPATCH).path("expression").asText())
                .isEqualTo("'${controlPlaneSettings." + ControlPlaneSettings.QUEUE_PREFIX + "}"
                        + IntakeQueueSettings.dispatchQueueOf("") + "'");
        assertThat(triggerQueueNames(ServiceBusQueueTrigger.class)).contains(main.path("vars").path("dispatchQueueName").asText());
        // The session trigger runs with Service Bus only, as the Service Bus intake triggers do.
        assertThat(hostSettings.path("AzureWebJobs.Dispatch.Disabled").path("expression").asText())
                .isEqualTo("serviceBusIntake ? 'false' : 'true'");
    }

    @Test
    void theAgentCommandQueueIsTheOneTheAgentChannelSendsTo() throws Exception {
        Object queue = constant("io.controlplane.adapters.servicebus.ServiceBusAgentChannel", "QUEUE");

        assertThat(main.path("vars").path("agentCommandQueueName").asText()).isEqualTo(queue);
    }

    @Test
    void theControlPlaneSettingsAreOnesTheCodeReadsInProductionWithIdentityBasedEndpoints() throws Exception {
        JsonNode settings = main.path("vars").path("controlPlaneSettings");
        Set<String> names = fieldNames(settings);

        assertThat(settingNamesInCode()).containsAll(names);
        assertThat(names).contains(ControlPlaneSettings.ENVIRONMENT, ControlPlaneSettings.REGIONS,
                ControlPlaneSettings.TABLE_ENDPOINT, ControlPlaneSettings.QUEUE_ENDPOINT, ControlPlaneSettings.TABLE_PREFIX,
                ControlPlaneSettings.AUTH_ISSUER, ControlPlaneSettings.AUTH_AUDIENCE, ControlPlaneSettings.AUTH_JWKS_URL,
                ControlPlaneSettings.MESSAGING, ControlPlaneSettings.SERVICEBUS_NAMESPACE, ControlPlaneSettings.QUEUE_PREFIX);
        assertThat(settings.path(ControlPlaneSettings.ENVIRONMENT).asText())
                .isEqualTo(ControlPlaneSettings.Environment.Production.name());
        assertThat(names).doesNotContain(ControlPlaneSettings.STORAGE_CONNECTION_STRING,
                ControlPlaneSettings.SERVICEBUS_CONNECTION_STRING, ControlPlaneSettings.FUNCTIONS_STORAGE,
                ControlPlaneSettings.DEV_ISSUER_KEY_FILE);
    }

    @Test
    void theFunctionAppConnectsEveryTriggerThroughItsIdentityAndHoldsNoConnectionString() {
        Set<String> hostSettings = fieldNames(functionApp.path("vars").path("functionsHostSettings"));
        Set<String> all = new TreeSet<>(hostSettings);
        all.addAll(fieldNames(main.path("vars").path("controlPlaneSettings")));

        for (String connection : triggerConnections(ServiceBusQueueTrigger.class)) {
            assertThat(hostSettings).contains(connection + "__fullyQualifiedNamespace");
            assertThat(all).doesNotContain(connection);
        }
        for (String connection : triggerConnections(QueueTrigger.class)) {
            // The Storage Queue triggers listen on the control plane's account, where it publishes, not
            // on the host's own (AzureWebJobsStorage), which is another account.
            assertThat(connection).isNotEqualTo(ControlPlaneSettings.FUNCTIONS_STORAGE);
            assertThat(functionApp.path("vars").path("functionsHostSettings").path(connection + "__queueServiceUri")
                    .path("expression").asText())
                    .isEqualTo("controlPlaneSettings." + ControlPlaneSettings.QUEUE_ENDPOINT);
            assertThat(all).doesNotContain(connection);
        }
        // A plain AzureWebJobsStorage would also be taken as the Table Storage connection string.
        assertThat(hostSettings).contains(ControlPlaneSettings.FUNCTIONS_STORAGE + "__accountName");
        assertThat(all).doesNotContain(ControlPlaneSettings.FUNCTIONS_STORAGE);
        assertThat(all).doesNotContain(ControlPlaneSettings.STORAGE_CONNECTION_STRING,
                ControlPlaneSettings.SERVICEBUS_CONNECTION_STRING);
        assertThat(all).noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("key")
                || name.toLowerCase(Locale.ROOT).contains("password"));
    }

    @Test
    void theControlPlanesTablesAndQueuesLiveInAnAccountOfTheirOwnNotTheFunctionsHosts() {
        JsonNode product = module("storage");
        JsonNode host = module("hostStorage");
        assertThat(product.path("path").asText()).isEqualTo(host.path("path").asText()).isEqualTo("modules/storage.bicep");
        assertThat(product.path("params").path("name").path("expression").asText()).isEqualTo("names.storage");
        assertThat(host.path("params").path("name").path("expression").asText()).isEqualTo("names.hostStorage");
        JsonNode names = main.path("vars").path("names");
        assertThat(names.path("storage")).isNotEqualTo(names.path("hostStorage"));
        // Both derived from the subscription, resource group and region only: the same on every deployment.
        assertThat(names.path("storage").path("expression").asText()).isEqualTo("take('st${namePrefix}${suffix}', 24)");
        assertThat(names.path("hostStorage").path("expression").asText()).isEqualTo("take('st${namePrefix}fn${suffix}', 24)");

        // The product's account: the tables and the intake queues; the host's: the deployment package.
        assertThat(fieldNames(product.path("params"))).contains("tableNames", "intakeQueueNames")
                .doesNotContain("deploymentContainerName");
        assertThat(fieldNames(host.path("params"))).contains("deploymentContainerName")
                .doesNotContain("tableNames", "intakeQueueNames");

        // The control plane reaches the product's account; the Functions host its own.
        JsonNode settings = main.path("vars").path("controlPlaneSettings");
        assertThat(settings.path(ControlPlaneSettings.TABLE_ENDPOINT).path("expression").asText())
                .isEqualTo("storage.outputs.tableEndpoint");
        assertThat(settings.path(ControlPlaneSettings.QUEUE_ENDPOINT).path("expression").asText())
                .isEqualTo("storage.outputs.queueEndpoint");
        JsonNode functions = module("functionApp").path("params");
        assertThat(functions.path("hostStorageAccountName").path("expression").asText()).isEqualTo("hostStorage.outputs.name");
        assertThat(functions.path("deploymentContainerUrl").path("expression").asText())
                .isEqualTo("hostStorage.outputs.deploymentContainerUrl");
        assertThat(functionApp.path("vars").path("functionsHostSettings")
                .path(ControlPlaneSettings.FUNCTIONS_STORAGE + "__accountName").path("expression").asText())
                .isEqualTo("hostStorageAccountName");

        // Both identities that run the control plane may use the product's tables and queues.
        for (String roles : List.of("functionAppRoles", "hostRoles")) {
            for (String role : List.of("Storage Table Data Contributor", "Storage Queue Data Contributor")) {
                assertThat(main.path("vars").path(roles).findParents("role")).as("%s: %s on the product's account", roles, role)
                        .anyMatch(r -> r.path("role").asText().equals(role) && r.path("scope").asText().equals("storage"));
            }
        }
        // The host's blobs and the deployment package are in the host's account; on the product's, the
        // control plane's only blobs are the dispatcher's region leases (ADR 0008): data access, never Owner.
        assertThat(main.path("vars").path("functionAppRoles").findParents("role"))
                .anyMatch(r -> r.path("role").asText().equals("Storage Blob Data Owner") && r.path("scope").asText().equals("hostStorage"))
                .noneMatch(r -> r.path("role").asText().equals("Storage Blob Data Owner") && r.path("scope").asText().equals("storage"));
        for (String roles : List.of("functionAppRoles", "hostRoles")) {
            assertThat(main.path("vars").path(roles).findParents("role")).as("%s: the region leases' blobs", roles)
                    .anyMatch(r -> r.path("role").asText().equals("Storage Blob Data Contributor")
                            && r.path("scope").asText().equals("storage") && r.path("why").asText().contains("DISPATCH_LEADERSHIP=lease"));
        }
        for (JsonNode call : main.path("modules")) {
            if (call.path("path").asText().equals("modules/role-assignments.bicep")) {
                assertThat(call.path("params").path("storageAccountName").path("expression").asText()).isEqualTo("storage.outputs.name");
                assertThat(call.path("params").path("hostStorageAccountName").path("expression").asText())
                        .isEqualTo("hostStorage.outputs.name");
            }
        }
    }

    @Test
    void theFunctionAppsHttpConcurrencyPerInstanceSuitsParkedLongPollsAndNeverExceedsWhatTheHostRuns() throws Exception {
        // Every waiting agent is one open request: the platform's default concurrency (sized for
        // requests that work) would give a handful of waiting agents an instance each. Above host.json's
        // maxConcurrentRequests, though, the host queues and then refuses (429) requests the platform
        // still counts as room on the instance, so it would not add one.
        int hostLimit = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(BicepChecker.repositoryRoot().resolve("host.json").toFile())
                .path("extensions").path("http").path("maxConcurrentRequests").asInt();
        JsonNode parameter = main.path("params").path("httpPerInstanceConcurrency");
        assertThat(parameter.path("maxValue").asInt()).isEqualTo(hostLimit);
        assertThat(functionApp.path("params").path("httpPerInstanceConcurrency").path("maxValue").asInt()).isEqualTo(hostLimit);
        assertThat(parameter.path("default").asInt()).isBetween(100, hostLimit);
        assertThat(module("functionApp").path("params").path("httpPerInstanceConcurrency").path("expression").asText())
                .isEqualTo("httpPerInstanceConcurrency");
        JsonNode site = null;
        for (JsonNode resource : functionApp.path("resources")) {
            if (resource.path("type").asText().startsWith("Microsoft.Web/sites@")) {
                site = resource;
            }
        }
        assertThat(site).as("the Function App").isNotNull();
        assertThat(site.path("body").path("properties").path("functionAppConfig").path("scaleAndConcurrency").path("triggers")
                .path("http").path("perInstanceConcurrency").path("expression").asText()).isEqualTo("httpPerInstanceConcurrency");
    }

    @Test
    void dispatchAndAgentInboxAreSessionQueuesWithDuplicateDetectionWhoseExpiredMessagesAreDropped() {
        // Event-driven dispatch: SessionId = region on dispatch, SessionId = agent id on agent-inbox.
        assertThat(main.path("vars").path("dispatchQueueName").asText()).isEqualTo("dispatch");
        assertThat(main.path("vars").path("agentInboxQueueName").asText()).isEqualTo("agent-inbox");
        JsonNode serviceBusCall = module("serviceBus").path("params");
        assertThat(serviceBusCall.path("dispatchQueueName").path("expression").asText()).isEqualTo("dispatchQueueName");
        assertThat(serviceBusCall.path("agentInboxQueueName").path("expression").asText()).isEqualTo("agentInboxQueueName");

        JsonNode serviceBus = description.path("files").path("bicep/modules/service-bus.bicep");
        JsonNode queues = null;
        for (JsonNode resource : serviceBus.path("resources")) {
            if (resource.path("name").asText().equals("queues")) {
                queues = resource;
            }
        }
        assertThat(queues).as("the short-lived session queues").isNotNull();
        assertThat(queues.path("body").path("name").path("expression").asText()).isEqualTo("'${queuePrefix}${queue.name}'");
        JsonNode properties = queues.path("body").path("properties");
        assertThat(properties.path("requiresSession").asBoolean()).isTrue();
        assertThat(properties.path("requiresDuplicateDetection").asBoolean()).isTrue();
        assertThat(properties.path("duplicateDetectionHistoryTimeWindow").asText()).isEqualTo("PT10M");
        assertThat(properties.path("deadLetteringOnMessageExpiration").isBoolean()).isTrue();
        assertThat(properties.path("deadLetteringOnMessageExpiration").asBoolean()).isFalse();
        assertThat(properties.path("defaultMessageTimeToLive").path("expression").asText()).isEqualTo("queue.timeToLive");

        // The list the loop runs over names its queues by parameter: read each entry's name and TTL.
        Map<String, String> timeToLive = new java.util.TreeMap<>();
        Matcher entry = Pattern.compile("name: (\\w+)\\s+timeToLive: '([A-Z0-9]+)'")
                .matcher(serviceBus.path("vars").path("shortLivedQueues").path("expression").asText());
        while (entry.find()) {
            timeToLive.put(entry.group(1), entry.group(2));
        }
        assertThat(timeToLive).containsOnlyKeys("agentCommandQueueName", "dispatchQueueName", "agentInboxQueueName")
                .containsEntry("agentInboxQueueName", "PT5M")
                .containsEntry("dispatchQueueName", "PT10M");
    }

    private static JsonNode module(String name) {
        for (JsonNode call : main.path("modules")) {
            if (call.path("name").asText().equals(name)) {
                return call;
            }
        }
        throw new AssertionError("main.bicep has no module " + name);
    }

    @Test
    void everySettingATriggerNamesExistsSoTheHostCanIndexTheFunctions() {
        Set<String> all = new TreeSet<>(fieldNames(functionApp.path("vars").path("functionsHostSettings")));
        all.addAll(fieldNames(main.path("vars").path("controlPlaneSettings")));

        for (String value : triggerValues()) {
            Matcher m = SETTING_REFERENCE.matcher(value);
            while (m.find()) {
                assertThat(all).as("app setting referenced as %%%s%% in a trigger", m.group(1)).contains(m.group(1));
            }
        }
    }

    @Test
    void bothHostsExportTelemetryWithTheEntraTokenOfTheIdentityTheyRunAsWhichMayPublishMetrics() throws Exception {
        // Application Insights has local authentication off (monitoring.bicep): a connection string
        // alone gets every export refused. Each host names its identity in the setting the exporter reads.
        JsonNode monitoringResources = description.path("files").path("bicep/modules/monitoring.bicep").path("resources");
        assertThat(monitoringResources.findValues("DisableLocalAuth")).extracting(JsonNode::asBoolean).containsExactly(true);

        JsonNode functionsHost = functionApp.path("vars").path("functionsHostSettings");
        assertThat(functionsHost.has(TelemetrySettings.APPLICATIONINSIGHTS_CONNECTION_STRING)).isTrue();
        String functionsAuthentication = functionsHost.path(TelemetrySettings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING).asText();
        // The Function App runs as its system-assigned identity: no client id to name.
        assertThat(functionsAuthentication).isEqualTo("Authorization=AAD");
        assertThat(functionApp.path("resources").findValues("identity")).extracting(i -> i.path("type").asText())
                .contains("SystemAssigned");

        JsonNode standaloneHost = containerApps.path("vars").path("standaloneHostSettings");
        assertThat(standaloneHost.has(TelemetrySettings.APPLICATIONINSIGHTS_CONNECTION_STRING)).isTrue();
        String clientIdExpression = standaloneHost.path("AZURE_CLIENT_ID").path("expression").asText();
        assertThat(clientIdExpression).as("the host's user-assigned identity").isEqualTo("hostIdentityClientId");
        String standaloneAuthentication = standaloneHost.path(TelemetrySettings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING)
                .path("expression").asText();
        assertThat(standaloneAuthentication).isEqualTo("'Authorization=AAD;ClientId=${" + clientIdExpression + "}'");

        // What Bicep sets is what the exporter accepts (a client id in place of the expression).
        assertThat(TelemetrySettings.from(Map.of(TelemetrySettings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
                functionsAuthentication)).entraClientId()).isNull();
        String clientId = "11111111-2222-3333-4444-555555555555";
        assertThat(TelemetrySettings.from(Map.of(TelemetrySettings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
                standaloneAuthentication.replace("${" + clientIdExpression + "}", clientId).replace("'", ""))).entraClientId())
                .isEqualTo(clientId);

        for (String roles : List.of("functionAppRoles", "hostRoles")) {
            assertThat(main.path("vars").path(roles).findParents("role"))
                    .as("%s: Monitoring Metrics Publisher on Application Insights", roles)
                    .anyMatch(r -> r.path("role").asText().equals("Monitoring Metrics Publisher")
                            && r.path("scope").asText().equals("applicationInsights"));
        }
        assertThat(description.path("files").path("bicep/modules/role-assignments.bicep").path("vars").path("roleIds")
                .path("Monitoring Metrics Publisher").asText()).isEqualTo("3913510d-42f4-4e42-8a64-420c390055eb");
    }

    @Test
    void noSettingATriggerNamesCanBeEmpty() {
        // An app setting with an empty value may never reach the host; the host then fails to index
        // the function ("does not resolve to a value"). QUEUE_PREFIX, empty by default, was one.
        JsonNode hostSettings = functionApp.path("vars").path("functionsHostSettings");
        JsonNode controlPlane = main.path("vars").path("controlPlaneSettings");
        List<String> problems = new ArrayList<>();
        for (String value : triggerValues()) {
            Matcher m = SETTING_REFERENCE.matcher(value);
            while (m.find()) {
                JsonNode setting = hostSettings.has(m.group(1)) ? hostSettings.path(m.group(1)) : controlPlane.path(m.group(1));
                if (!neverEmpty(setting)) {
                    problems.add("%" + m.group(1) + "% is " + setting);
                }
            }
        }
        assertThat(problems).as("trigger settings whose value may be empty").isEmpty();
    }

    @Test
    void eachIntakeQueueSettingNamesItsTiersQueueUnderTheControlPlanesPrefix() {
        // The triggers listen where the control plane publishes: QUEUE_PREFIX and the tier's queue.
        JsonNode hostSettings = functionApp.path("vars").path("functionsHostSettings");
        for (Tier tier : Tier.values()) {
            assertThat(hostSettings.path(IntakeQueueSettings.settingOf(tier)).path("expression").asText())
                    .isEqualTo("'${controlPlaneSettings." + ControlPlaneSettings.QUEUE_PREFIX + "}"
                            + IntakeQueueSettings.queueOf("", tier) + "'");
        }
    }

    /**
     * A literal that is not empty, an interpolated string with text of its own, or a module parameter
     * that cannot be empty (@minLength of at least 1).
     */
    private static boolean neverEmpty(JsonNode value) {
        if (value.isTextual()) {
            return !value.asText().isEmpty();
        }
        String expression = value.path("expression").asText("");
        if (expression.startsWith("'") && expression.endsWith("'")) {
            return !expression.substring(1, expression.length() - 1).replaceAll("\\$\\{[^}]*}", "").isEmpty();
        }
        JsonNode parameter = functionApp.path("params").path(expression);
        return parameter.path("minLength").asInt(0) >= 1;
    }

    @Test
    void exactlyOneKindOfIntakeTriggerCanBeSwitchedOnAndEachHasItsSwitch() {
        JsonNode hostSettings = functionApp.path("vars").path("functionsHostSettings");
        List<String> intakeFunctions = new ArrayList<>();
        for (Method method : IntakeFunctions.class.getMethods()) {
            FunctionName name = method.getAnnotation(FunctionName.class);
            if (name != null) {
                intakeFunctions.add(name.value());
            }
        }
        assertThat(intakeFunctions).hasSize(6);
        for (String function : intakeFunctions) {
            JsonNode disabled = hostSettings.path("AzureWebJobs." + function + ".Disabled");
            assertThat(disabled.isMissingNode()).as("AzureWebJobs.%s.Disabled", function).isFalse();
            // Service Bus triggers run with MESSAGING=servicebus, the Storage Queue ones otherwise.
            String expected = function.startsWith("ServiceBus") ? "serviceBusIntake ? 'false' : 'true'"
                    : "serviceBusIntake ? 'true' : 'false'";
            assertThat(disabled.path("expression").asText()).isEqualTo(expected);
        }
    }

    @Test
    void theFunctionsHostRefusesBodiesAboveTheControlPlanesLimitBeforeBufferingThem() {
        // Without FUNCTIONS_REQUEST_BODY_SIZE_LIMIT the host reads bodies of up to 100 MB into memory
        // before the api's MAX_REQUEST_BYTES check ever sees them.
        JsonNode parameter = main.path("params").path("maxRequestBytes");
        Map<String, String> base = Map.of(ControlPlaneSettings.REGIONS, "westeurope",
                ControlPlaneSettings.STORAGE_CONNECTION_STRING, "UseDevelopmentStorage=true",
                ControlPlaneSettings.AUTH_DEV_ISSUER, "true");
        int codeDefault = ControlPlaneSettings.from(base).maxRequestBytes();
        assertThat(parameter.path("default").asInt()).as("maxRequestBytes default").isEqualTo(codeDefault);
        int minimum = parameter.path("minValue").asInt();
        assertThat(ControlPlaneSettings.from(with(base, ControlPlaneSettings.MAX_REQUEST_BYTES, Integer.toString(minimum)))
                .maxRequestBytes()).isEqualTo(minimum);
        assertThatThrownBy(() -> ControlPlaneSettings.from(with(base, ControlPlaneSettings.MAX_REQUEST_BYTES,
                Integer.toString(minimum - 1))))
                .as("@minValue of maxRequestBytes is the code's minimum").isInstanceOf(IllegalArgumentException.class);

        assertThat(main.path("vars").path("controlPlaneSettings").path(ControlPlaneSettings.MAX_REQUEST_BYTES)
                .path("expression").asText()).isEqualTo("string(maxRequestBytes)");
        // The host's limit is the control plane's, also when extraAppSettings overrides the latter.
        assertThat(functionApp.path("vars").path("functionsHostSettings").path("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT")
                .path("expression").asText())
                .isEqualTo("contains(extraAppSettings, 'MAX_REQUEST_BYTES') ? string(extraAppSettings.MAX_REQUEST_BYTES)"
                        + " : controlPlaneSettings.MAX_REQUEST_BYTES");
    }

    private static Map<String, String> with(Map<String, String> values, String name, String value) {
        Map<String, String> copy = new java.util.HashMap<>(values);
        copy.put(name, value);
        return copy;
    }

    private static List<String> strings(JsonNode array) {
        assertThat(array.isArray()).as("a literal array: %s", array).isTrue();
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static Set<String> fieldNames(JsonNode object) {
        assertThat(object.isObject()).as("an object literal: %s", object).isTrue();
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A package-private constant of shared's adapters: the names the code really uses. */
    private static Object constant(String className, String fieldName) throws Exception {
        Field field = Class.forName(className).getDeclaredField(fieldName);
        field.setAccessible(true);
        return field.get(null);
    }

    private static Set<String> settingNamesInCode() throws IllegalAccessException {
        Set<String> names = new HashSet<>();
        for (Field field : ControlPlaneSettings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !field.getName().startsWith("DEV_ISSUER") && !field.getName().startsWith("DEFAULT_")) {
                names.add((String) field.get(null));
            }
        }
        for (Field field : io.controlplane.config.DispatchSettings.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    private static List<Annotation> triggers(Class<? extends Annotation> type) {
        List<Annotation> found = new ArrayList<>();
        for (Class<?> functions : List.of(IntakeFunctions.class, ReconcileFunction.class, DispatchFunction.class)) {
            for (Method method : functions.getMethods()) {
                for (Parameter parameter : method.getParameters()) {
                    Annotation annotation = parameter.getAnnotation(type);
                    if (annotation != null) {
                        found.add(annotation);
                    }
                }
            }
        }
        assertThat(found).as("triggers of type %s", type.getSimpleName()).isNotEmpty();
        return found;
    }

    /** The queues the triggers listen on, before the prefix: what the Function App's settings name. */
    private static List<String> triggerQueueNames(Class<? extends Annotation> type) {
        Pattern prefixed = Pattern.compile("'\\$\\{controlPlaneSettings\\." + ControlPlaneSettings.QUEUE_PREFIX + "}([a-z0-9-]+)'");
        return triggers(type).stream()
                .map(a -> a instanceof ServiceBusQueueTrigger sb ? sb.queueName() : ((QueueTrigger) a).queueName())
                .map(name -> {
                    Matcher setting = SETTING_REFERENCE.matcher(name);
                    assertThat(setting.matches()).as("trigger queue %s is one setting", name).isTrue();
                    String value = functionApp.path("vars").path("functionsHostSettings").path(setting.group(1))
                            .path("expression").asText();
                    Matcher queue = prefixed.matcher(value);
                    assertThat(queue.matches()).as("%s is the prefix and a queue name: %s", setting.group(1), value).isTrue();
                    return queue.group(1);
                })
                .toList();
    }

    private static Set<String> triggerConnections(Class<? extends Annotation> type) {
        Set<String> connections = new TreeSet<>();
        for (Annotation a : triggers(type)) {
            connections.add(a instanceof ServiceBusQueueTrigger sb ? sb.connection() : ((QueueTrigger) a).connection());
        }
        return connections;
    }

    private static List<String> triggerValues() {
        List<String> values = new ArrayList<>();
        triggers(ServiceBusQueueTrigger.class).forEach(a -> values.add(((ServiceBusQueueTrigger) a).queueName()));
        triggers(QueueTrigger.class).forEach(a -> values.add(((QueueTrigger) a).queueName()));
        triggers(TimerTrigger.class).forEach(a -> values.add(((TimerTrigger) a).schedule()));
        return values;
    }
}
