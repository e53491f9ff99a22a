package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.api.HttpApi;
import io.controlplane.api.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Checks the app the Functions Maven plugin staged at {@code package} against the api's route
 * table: every route is bound by exactly one function, no function binds a route the api lacks,
 * and what the host needs to start (jar, lib/, host.json with its extension bundle) is there.
 * A route added to the api without a function fails here, before anything is deployed.
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

    /** One staged function.json, reduced to what these checks read. */
    record StagedFunction(String name, Path directory, JsonNode definition) {

        JsonNode httpTrigger() {
            return StreamSupport.stream(definition.path("bindings").spliterator(), false)
                    .filter(b -> "httpTrigger".equalsIgnoreCase(b.path("type").asText()))
                    .findFirst().orElse(null);
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
                assertThat(Arrays.stream(Class.forName(className).getMethods()).map(java.lang.reflect.Method::getName))
                        .as("%s entry point %s", function, entryPoint).contains(methodName);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(function + " entry point class " + className + " does not exist", e);
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
}
