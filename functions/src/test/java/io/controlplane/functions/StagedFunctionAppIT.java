package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.ExecutionContext;
import io.controlplane.api.HttpApi;
import io.controlplane.api.Route;
import io.controlplane.app.LeaseWork;
import io.controlplane.config.ControlPlaneSettings;
import io.controlplane.domain.Tier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checks the app the Functions Maven plugin staged at {@code package} against the api's route
 * table: every route is bound by exactly one function, no function binds a route the api lacks,
 * and what the host needs to start (jar, lib/, host.json with its extension bundle) is there.
 * A route added to the api without a function fails here, before anything is deployed. So does
 * what the host would only report at start-up: a reserved route, a binding expression or a
 * connection without its setting, a class lib/ cannot load. Intake and timer triggers are checked
 * against the queue names, sessions and schedule the rest of the system assumes
 * (docs/operations.md, "The Azure Functions host").
 *
 * <p>Tagged so that surefire never runs it, even under a {@code -Dtest} pattern that matches its
 * name: it needs the app {@code package} stages, and failsafe runs it after that.
 */
@Tag("staged-app")
class StagedFunctionAppIT {

    /** Functions serve routes under host.json's routePrefix; the api's templates carry it. */
    private static final String ROUTE_PREFIX = "api";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path staging;
    private static List<StagedFunction> functions;
    private static JsonNode sampleSettings;
    private static URLClassLoader stagedClasses;

    /** One staged function.json, reduced to what these checks read. */
    record StagedFunction(String name, Path directory, JsonNode definition) {

        JsonNode httpTrigger() {
            return binding("httpTrigger");
        }

        /** The first binding of that type, or null. */
        JsonNode binding(String type) {
            return StreamSupport.stream(definition.path("bindings").spliterator(), false)
                    .filter(b -> type.equalsIgnoreCase(b.path("type").asText()))
                    .findFirst().orElse(null);
        }

        /** The type of the function's one trigger binding ({@code httpTrigger}, {@code queueTrigger}, ...). */
        String triggerType() {
            List<String> triggers = StreamSupport.stream(definition.path("bindings").spliterator(), false)
                    .map(b -> b.path("type").asText())
                    .filter(t -> t.endsWith("Trigger"))
                    .toList();
            assertThat(triggers).as("%s trigger bindings", name).hasSize(1);
            return triggers.get(0);
        }

        /** The route template exactly as staged. */
        String template() {
            return httpTrigger().path("route").asText("");
        }

        /**
         * The trigger's route as the api spells it: leading slash dropped, a parameter constrained
         * to one literal ({@code {admin:regex(^admin$)}}) reduced to that literal, and any other
         * {@code {name:constraint}} to {@code {name}}.
         */
        String route() {
            return template().replaceFirst("^/+", "")
                    .replaceAll("\\{[^}:]+:regex\\(\\^([A-Za-z0-9._-]+)\\$\\)}", "$1")
                    .replaceAll("\\{([^}:]+):[^}]*}", "{$1}");
        }

        Set<String> methods() {
            return StreamSupport.stream(httpTrigger().path("methods").spliterator(), false)
                    .map(m -> m.asText().toUpperCase(Locale.ROOT))
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void readStagedApp() throws IOException {
        String configured = System.getProperty("functions.stagingDirectory");
        assertThat(configured).as("system property functions.stagingDirectory (set by failsafe in functions/pom.xml)")
                .isNotBlank();
        staging = Path.of(configured);
        assertThat(staging).as("the staged app; run `mvn package` first").isDirectory();
        try (Stream<Path> files = Files.find(staging, 2, (p, a) -> p.getFileName().toString().equals("function.json"))) {
            functions = files.sorted().map(StagedFunctionAppIT::read).toList();
        }
        assertThat(functions).as("function.json files under " + staging).isNotEmpty();
        Path localSettings = staging.resolve("local.settings.json");
        assertThat(localSettings).as("local.settings.sample.json, staged by the plugin").isRegularFile();
        sampleSettings = JSON.readTree(localSettings.toFile()).path("Values");
        stagedClasses = stagedClassLoader();
    }

    /**
     * The classes the Java worker would load: the staged jar and lib/, over only what the worker
     * itself provides (the Functions core library), not over this test's classpath. A dependency
     * missing from lib/ fails here as it would in Azure.
     */
    private static URLClassLoader stagedClassLoader() throws IOException {
        URL workerProvided = ExecutionContext.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader worker = new URLClassLoader(new URL[] {workerProvided}, ClassLoader.getPlatformClassLoader());
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.list(staging), Files.list(staging.resolve("lib")))) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), worker);
    }

    @AfterAll
    static void closeStagedClasses() throws IOException {
        if (stagedClasses != null) {
            stagedClasses.close();
        }
    }

    private static StagedFunction read(Path functionJson) {
        try {
            Path dir = functionJson.getParent();
            return new StagedFunction(dir.getFileName().toString(), dir, JSON.readTree(functionJson.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<StagedFunction> httpFunctions() {
        return functions.stream().filter(f -> f.httpTrigger() != null).toList();
    }

    /** {@code /api/jobs/{jobId}} becomes the Functions route {@code jobs/{jobId}}. */
    private static String functionRoute(Route route) {
        String template = route.path().template();
        String prefix = "/" + ROUTE_PREFIX + "/";
        assertThat(template).as("api route %s %s lies outside the Functions route prefix", route.method(), template)
                .startsWith(prefix);
        return template.substring(prefix.length());
    }

    @Test
    void everyApiRouteIsBoundByExactlyOneFunction() {
        List<String> problems = new ArrayList<>();
        for (Route route : HttpApi.describeRoutes()) {
            String expected = functionRoute(route);
            List<StagedFunction> binding = httpFunctions().stream()
                    .filter(f -> f.route().equals(expected) && f.methods().contains(route.method()))
                    .toList();
            if (binding.size() != 1) {
                problems.add(route.method() + " " + route.path().template() + " is bound by " + binding.size()
                        + " functions " + binding + " (want exactly one with route \"" + expected + "\")");
            }
        }
        assertThat(problems).as("api routes without exactly one function; add one to a *Functions class").isEmpty();
    }

    @Test
    void noFunctionBindsARouteOrMethodTheApiLacks() {
        Set<String> apiRoutes = HttpApi.describeRoutes().stream()
                .map(r -> r.method() + " " + functionRoute(r))
                .collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (StagedFunction function : httpFunctions()) {
            if (function.methods().isEmpty()) {
                problems.add(function + " lists no methods, so it answers every method on \"" + function.route() + "\"");
            }
            for (String method : function.methods()) {
                if (!apiRoutes.contains(method + " " + function.route())) {
                    problems.add(function + " binds " + method + " \"" + function.route() + "\", which the api does not serve");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void noRouteTemplateStartsWithAWordTheHostReserves() {
        // The host's ScriptHost.ValidateHttpFunction refuses any template that, trimmed of '/' and
        // lower-cased, starts with "admin" or "runtime", whatever routePrefix says; the function is
        // then in error and its route answers 404. Only the host says so, at start-up: catch it here.
        // A blank route would default to the function name, which the same check then applies to.
        for (StagedFunction function : httpFunctions()) {
            String template = function.template().replaceAll("^/+|/+$", "").toLowerCase(Locale.ROOT);
            assertThat(template).as("%s route", function).isNotBlank()
                    .doesNotStartWith("admin").doesNotStartWith("runtime");
        }
    }

    @Test
    void httpTriggersAreAnonymousAndReceiveBytes() {
        // The api authenticates the bearer token itself; a function key would only stand in its way.
        for (StagedFunction function : httpFunctions()) {
            JsonNode trigger = function.httpTrigger();
            assertThat(trigger.path("authLevel").asText()).as("%s authLevel", function).isEqualToIgnoringCase("anonymous");
            assertThat(trigger.path("dataType").asText()).as("%s dataType", function).isEqualToIgnoringCase("binary");
        }
    }

    @Test
    void everyFunctionRunsFromAJarInTheStagedApp() throws IOException {
        for (StagedFunction function : functions) {
            String scriptFile = function.definition().path("scriptFile").asText();
            Path jar = function.directory().resolve(scriptFile).normalize();
            assertThat(jar).as("%s scriptFile %s", function, scriptFile).isRegularFile();
            assertThat(jar.startsWith(staging.normalize())).as("%s scriptFile %s lies inside %s", function, scriptFile, staging)
                    .isTrue();
            assertThat(jar.getFileName().toString()).endsWith(".jar");

            String entryPoint = function.definition().path("entryPoint").asText();
            String className = entryPoint.substring(0, entryPoint.lastIndexOf('.'));
            String methodName = entryPoint.substring(entryPoint.lastIndexOf('.') + 1);
            try (JarFile jarFile = new JarFile(jar.toFile())) {
                assertThat(jarFile.getEntry(className.replace('.', '/') + ".class"))
                        .as("%s entry point class %s in %s", function, className, jar.getFileName()).isNotNull();
            }
            try {
                assertThat(Arrays.stream(Class.forName(className, true, stagedClasses).getMethods())
                        .map(java.lang.reflect.Method::getName))
                        .as("%s entry point %s", function, entryPoint).contains(methodName);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new AssertionError(function + " entry point class " + className
                        + " does not load from the staged jar and lib/", e);
            }
        }
    }

    @Test
    void hostJsonIsStagedWithTheExtensionBundle() throws IOException {
        Path hostJson = staging.resolve("host.json");
        assertThat(hostJson).isRegularFile();
        JsonNode host = JSON.readTree(hostJson.toFile());
        assertThat(host.path("version").asText()).isEqualTo("2.0");
        assertThat(host.path("extensionBundle").path("id").asText()).isEqualTo("Microsoft.Azure.Functions.ExtensionBundle");
        assertThat(host.path("extensionBundle").path("version").asText()).isNotBlank();
        // The route checks above map /api/... to function routes; another prefix would break every path.
        assertThat(host.path("extensions").path("http").path("routePrefix").asText(ROUTE_PREFIX)).isEqualTo(ROUTE_PREFIX);
    }

    @Test
    void libHoldsTheSharedModuleAndNoTestLibraries() throws IOException {
        Path lib = staging.resolve("lib");
        assertThat(lib).isDirectory();
        List<String> jars;
        try (Stream<Path> files = Files.list(lib)) {
            jars = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).anyMatch(name -> name.startsWith("controlplane-shared-") && name.endsWith(".jar")
                && !name.endsWith("-tests.jar"));
        assertThat(jars).noneMatch(name -> name.startsWith("junit-") || name.startsWith("mockito-")
                || name.startsWith("assertj-") || name.endsWith("-tests.jar"));
    }

    @Test
    void theStagedClasspathAloneBuildsTheApiAndReadsIntakeMessages() throws Exception {
        // Through the staged jar and lib/ only: the route table needs Jackson, records, JWT and the
        // Azure SDK types on the api's path; the intake reader needs jackson-databind itself.
        Class<?> api = Class.forName("io.controlplane.api.HttpApi", true, stagedClasses);
        assertThat((List<?>) api.getMethod("describeRoutes").invoke(null)).hasSameSizeAs(HttpApi.describeRoutes());

        Class<?> intake = Class.forName("io.controlplane.functions.FunctionsIntake", true, stagedClasses);
        Method parse = intake.getDeclaredMethod("parse", String.class);
        parse.setAccessible(true);
        // A body of the shape before the epoch existed, as a message queued by an older version is.
        Object message = parse.invoke(null,
                "{\"region\":\"westeurope\",\"tier\":\"Premium\",\"tenantId\":\"contoso\",\"jobId\":\"j-1\"}");
        assertThat(message.toString())
                .isEqualTo("IntakeMessage[region=westeurope, tier=Premium, tenantId=contoso, jobId=j-1, epoch=0]");
        Object requeued = parse.invoke(null,
                "{\"region\":\"westeurope\",\"tier\":\"Premium\",\"tenantId\":\"contoso\",\"jobId\":\"j-1\",\"epoch\":2}");
        assertThat(requeued.toString())
                .isEqualTo("IntakeMessage[region=westeurope, tier=Premium, tenantId=contoso, jobId=j-1, epoch=2]");
    }

    /** {@code %INTAKE_QUEUE_PLATINUM%}: the setting holding the full name of each tier's queue. */
    private static String intakeQueue(Tier tier) {
        return "%" + IntakeQueueSettings.settingOf(tier) + "%";
    }

    private static List<StagedFunction> withTrigger(String type) {
        return functions.stream().filter(f -> f.triggerType().equalsIgnoreCase(type)).toList();
    }

    @Test
    void eachTierQueueHasOneSessionEnabledServiceBusTrigger() {
        // Every Service Bus trigger but the dispatch trigger (theDispatchQueueHasOneSessionEnabledServiceBusTrigger).
        List<StagedFunction> serviceBus = withTrigger("serviceBusTrigger").stream()
                .filter(f -> !DISPATCH_QUEUE.equals(f.binding("serviceBusTrigger").path("queueName").asText()))
                .toList();
        assertThat(serviceBus).as("Service Bus triggered intake functions").hasSize(Tier.values().length);
        for (Tier tier : Tier.values()) {
            List<StagedFunction> onQueue = serviceBus.stream()
                    .filter(f -> intakeQueue(tier).equals(f.binding("serviceBusTrigger").path("queueName").asText()))
                    .toList();
            assertThat(onQueue).as("Service Bus triggers on %s", intakeQueue(tier)).hasSize(1);
            JsonNode trigger = onQueue.get(0).binding("serviceBusTrigger");
            // Sessions serialise dispatch per region (SessionId = region); without them the trigger
            // would fail to receive from a session-enabled queue at all.
            assertThat(trigger.path("isSessionsEnabled").asBoolean(false)).as("%s isSessionsEnabled", onQueue.get(0)).isTrue();
            assertThat(trigger.path("connection").asText()).as("%s connection", onQueue.get(0))
                    .isEqualTo(IntakeFunctions.SERVICE_BUS_CONNECTION);
        }
    }

    /** {@code %DISPATCH_QUEUE%}: the setting holding the dispatch queue's full name. */
    private static final String DISPATCH_QUEUE = "%" + IntakeQueueSettings.DISPATCH + "%";

    @Test
    void theDispatchQueueHasOneSessionEnabledServiceBusTrigger() {
        List<StagedFunction> onQueue = withTrigger("serviceBusTrigger").stream()
                .filter(f -> DISPATCH_QUEUE.equals(f.binding("serviceBusTrigger").path("queueName").asText()))
                .toList();
        assertThat(onQueue).as("Service Bus triggers on %s", DISPATCH_QUEUE).extracting(StagedFunction::name)
                .containsExactly("Dispatch");
        JsonNode trigger = onQueue.get(0).binding("serviceBusTrigger");
        // SessionId = region: the host hands a region's events to one invocation at a time, and the
        // dispatch queue is session-enabled (Bicep), so a trigger without sessions could not receive at all.
        assertThat(trigger.path("isSessionsEnabled").asBoolean(false)).as("Dispatch isSessionsEnabled").isTrue();
        assertThat(trigger.path("connection").asText()).as("Dispatch connection").isEqualTo(IntakeFunctions.SERVICE_BUS_CONNECTION);
        assertThat(trigger.path("dataType").asText()).as("Dispatch dataType").isEqualToIgnoringCase("string");
        // The sample names the queue the dispatch bus sends to under its QUEUE_PREFIX.
        assertThat(sampleSettings.path(IntakeQueueSettings.DISPATCH).asText())
                .isEqualTo(IntakeQueueSettings.dispatchQueueOf(sampleSettings.path(ControlPlaneSettings.QUEUE_PREFIX).asText("")));
    }

    @Test
    void eachTierQueueHasOneStorageQueueTrigger() {
        List<StagedFunction> storage = withTrigger("queueTrigger");
        assertThat(storage).as("Storage Queue triggered functions").hasSize(Tier.values().length);
        for (Tier tier : Tier.values()) {
            List<StagedFunction> onQueue = storage.stream()
                    .filter(f -> intakeQueue(tier).equals(f.binding("queueTrigger").path("queueName").asText()))
                    .toList();
            assertThat(onQueue).as("Storage Queue triggers on %s", intakeQueue(tier)).hasSize(1);
            assertThat(onQueue.get(0).binding("queueTrigger").path("connection").asText()).as("%s connection", onQueue.get(0))
                    .isEqualTo(IntakeFunctions.STORAGE_CONNECTION);
        }
    }

    @Test
    void theSampleSettingsRunExactlyOneKindOfIntake() {
        // Both kinds at once would wake agents twice from two sets of queues, one of which nobody
        // publishes to; the sample runs Storage Queues (Azurite) and names every flag, so switching
        // to Service Bus is seven edits in one place.
        for (StagedFunction function : withTrigger("serviceBusTrigger")) {
            assertThat(sampleSettings.path("AzureWebJobs." + function.name() + ".Disabled").asText())
                    .as("AzureWebJobs.%s.Disabled in local.settings.sample.json", function).isEqualTo("true");
        }
        for (StagedFunction function : withTrigger("queueTrigger")) {
            assertThat(sampleSettings.path("AzureWebJobs." + function.name() + ".Disabled").asText())
                    .as("AzureWebJobs.%s.Disabled in local.settings.sample.json", function).isEqualTo("false");
        }
    }

    @Test
    void theReconcileTimerRunsOnTheScheduleSetting() {
        List<StagedFunction> timers = withTrigger("timerTrigger");
        assertThat(timers).as("timer triggered functions").hasSize(1);
        assertThat(timers.get(0).binding("timerTrigger").path("schedule").asText()).isEqualTo("%RECONCILE_SCHEDULE%");
        // NCRONTAB with seconds: six fields. Every 10 seconds by default.
        assertThat(sampleSettings.path("RECONCILE_SCHEDULE").asText()).isEqualTo("*/10 * * * * *");
    }

    @Test
    void everySettingABindingNamesIsDefinedAndNotEmptyInTheSampleSettings() {
        // The host resolves %NAME% when it indexes the functions, disabled ones included: a missing
        // setting puts the function in error at start-up. A setting may only be one that is never
        // empty, since an empty app setting may not reach the host at all (%QUEUE_PREFIX% was one).
        Pattern expression = Pattern.compile("%([^%]+)%");
        List<String> problems = new ArrayList<>();
        for (StagedFunction function : functions) {
            for (JsonNode binding : function.definition().path("bindings")) {
                binding.fields().forEachRemaining(field -> {
                    Matcher m = expression.matcher(field.getValue().asText(""));
                    while (m.find()) {
                        if (!sampleSettings.has(m.group(1))) {
                            problems.add(function + " " + field.getKey() + " names %" + m.group(1) + "%, which is not set");
                        } else if (sampleSettings.path(m.group(1)).asText("").isBlank()) {
                            problems.add(function + " " + field.getKey() + " names %" + m.group(1) + "%, which is empty");
                        }
                    }
                });
            }
        }
        assertThat(problems).as("binding expressions without a value in local.settings.sample.json").isEmpty();
    }

    @Test
    void theSampleHostRefusesBodiesAboveTheControlPlanesLimit() {
        // As in Azure (Bicep): the host buffers bodies up to this limit before the worker sees them.
        Map<String, String> values = new java.util.HashMap<>();
        sampleSettings.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        assertThat(sampleSettings.path("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT").asText())
                .isEqualTo(Integer.toString(ControlPlaneSettings.from(values).maxRequestBytes()));
    }

    @Test
    void theSampleIntakeQueuesAreTheOnesTheControlPlanePublishesTo() throws Exception {
        // The sample runs the settings check the worker runs before it builds the control plane.
        Map<String, String> values = new java.util.HashMap<>();
        sampleSettings.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        IntakeQueueSettings.check(values);
        for (Tier tier : Tier.values()) {
            assertThat(values.get(IntakeQueueSettings.settingOf(tier))).isEqualTo(IntakeQueueSettings.queueOf(
                    values.getOrDefault(ControlPlaneSettings.QUEUE_PREFIX, ""), tier));
        }
    }

    @Test
    void everyEnabledTriggerHasItsConnectionInTheSampleSettings() {
        // A connection is a setting name, or the prefix of identity-based settings (NAME__fullyQualifiedNamespace).
        List<String> problems = new ArrayList<>();
        for (StagedFunction function : functions) {
            if (function.httpTrigger() != null
                    || "true".equalsIgnoreCase(sampleSettings.path("AzureWebJobs." + function.name() + ".Disabled").asText())) {
                continue;
            }
            String connection = function.binding(function.triggerType()).path("connection").asText("");
            if (connection.isEmpty()) {
                continue;
            }
            boolean defined = sampleSettings.has(connection)
                    || StreamSupport.stream(((Iterable<String>) sampleSettings::fieldNames).spliterator(), false)
                    .anyMatch(name -> name.startsWith(connection + "__"));
            if (!defined) {
                problems.add(function + " is enabled and uses connection " + connection);
            }
        }
        assertThat(problems).as("enabled triggers whose connection local.settings.sample.json lacks").isEmpty();
    }

    @Test
    void hostJsonKeepsWhatTheFunctionsRelyOn() throws IOException {
        JsonNode host = JSON.readTree(staging.resolve("host.json").toFile());
        Duration timeout = hostTimeSpan(host.path("functionTimeout").asText());
        assertThat(timeout).as("functionTimeout: a lease long poll waits up to %d s, and a timeout restarts the worker",
                LeaseWork.MAX_WAIT_SECONDS).isGreaterThanOrEqualTo(Duration.ofSeconds(2L * LeaseWork.MAX_WAIT_SECONDS));
        JsonNode extensions = host.path("extensions");
        // The Java library cannot settle Service Bus messages: without auto-complete none is ever completed.
        assertThat(extensions.path("serviceBus").path("autoCompleteMessages").asBoolean(true)).isTrue();
        // One message of a region at a time: the extension's default of one call per session. The
        // published schema has no key for it (HostJsonSchemaTest), so none may be set, to 1 or more.
        assertThat(extensions.path("serviceBus").has("maxConcurrentCallsPerSession")).isFalse();
        // The publisher writes Base64 of the JSON, the Storage Queues extension's default.
        assertThat(extensions.path("queues").path("messageEncoding").asText("base64")).isEqualToIgnoringCase("base64");
        assertThat(extensions.path("queues").path("maxDequeueCount").asInt()).isEqualTo(5);
        // Idle long polls look like overload to the dynamic throttles, which would answer them 429.
        assertThat(extensions.path("http").path("dynamicThrottlesEnabled").asBoolean(true)).isFalse();
    }

    /** host.json's {@code hh:mm:ss} (no days or fractions here). */
    private static Duration hostTimeSpan(String value) {
        Matcher m = Pattern.compile("(\\d{1,2}):(\\d{2}):(\\d{2})").matcher(value);
        assertThat(m.matches()).as("host.json time span %s", value).isTrue();
        return Duration.ofHours(Long.parseLong(m.group(1))).plusMinutes(Long.parseLong(m.group(2)))
                .plusSeconds(Long.parseLong(m.group(3)));
    }
}
