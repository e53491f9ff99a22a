package io.controlplane.functions;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.controlplane.api.AuthMatrix;
import io.controlplane.api.PathTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The HTTP functions of this module, found as the Functions Maven plugin finds them (every
 * {@code @FunctionName} method with an {@code @HttpTrigger} parameter, in every class of the
 * package), and invoked the way the Java worker invokes them: the function whose route template
 * and methods match the request gets a {@link HttpRequestMessage} (a Mockito mock here).
 */
final class HttpFunctions implements AuthMatrix.Transport {

    /** host.json's routePrefix, which the api's paths carry. */
    private static final String ROUTE_PREFIX = "/api/";

    /** One function: its name, entry point, methods and route as the api spells it. */
    record HttpFunction(String name, Method entryPoint, Set<String> methods, PathTemplate route) {

        Set<String> keys() {
            return methods.stream().map(m -> m + " " + route.template()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private final List<HttpFunction> functions;

    private HttpFunctions(List<HttpFunction> functions) {
        this.functions = List.copyOf(functions);
    }

    static HttpFunctions scan() {
        List<HttpFunction> found = new ArrayList<>();
        for (Class<?> type : classesOfThisPackage()) {
            for (Method method : type.getMethods()) {
                FunctionName name = method.getAnnotation(FunctionName.class);
                HttpTrigger trigger = Arrays.stream(method.getParameters())
                        .map(p -> p.getAnnotation(HttpTrigger.class)).filter(t -> t != null).findFirst().orElse(null);
                if (name != null && trigger != null) {
                    Set<String> methods = Arrays.stream(trigger.methods()).map(HttpMethod::name)
                            .collect(Collectors.toCollection(TreeSet::new));
                    found.add(new HttpFunction(name.value(), method, methods, new PathTemplate(ROUTE_PREFIX + apiRoute(trigger.route()))));
                }
            }
        }
        return new HttpFunctions(found);
    }

    /**
     * A trigger's route as the api spells it: a parameter constrained to one literal
     * ({@code {admin:regex(^admin$)}}) becomes that literal, any other {@code {name:constraint}} {@code {name}}.
     */
    static String apiRoute(String route) {
        return route.replaceFirst("^/+", "")
                .replaceAll("\\{[^}:]+:regex\\(\\^([A-Za-z0-9._-]+)\\$\\)}", "$1")
                .replaceAll("\\{([^}:]+):[^}]*}", "{$1}");
    }

    private static List<Class<?>> classesOfThisPackage() {
        try {
            Path root = Path.of(FunctionsApi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = root.resolve(FunctionsApi.class.getPackageName().replace('.', '/'));
            List<Class<?>> classes = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                    String simple = file.getFileName().toString().replaceFirst("\\.class$", "");
                    classes.add(Class.forName(FunctionsApi.class.getPackageName() + "." + simple));
                }
            }
            return classes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    List<HttpFunction> all() {
        return functions;
    }

    /** {@code GET /api/jobs/{jobId}} and the like, one per method each function binds. */
    Set<String> keys() {
        return functions.stream().flatMap(f -> f.keys().stream()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The one function that serves {@code method} on {@code path}; fails when none or several do. */
    HttpFunction serving(String method, String path) {
        List<HttpFunction> matching = functions.stream()
                .filter(f -> f.methods().contains(method) && f.route().match(path).isPresent()).toList();
        if (matching.size() != 1) {
            throw new AssertionError(matching.size() + " functions serve " + method + " " + path + ": " + matching);
        }
        return matching.get(0);
    }

    @Override
    public AuthMatrix.Answer send(String method, String pathAndQuery, String authorization, String body) {
        int q = pathAndQuery.indexOf('?');
        HttpFunction function = serving(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q));
        // The worker hands headers over with lower-case names.
        Map<String, String> headers = new HashMap<>();
        if (authorization != null) {
            headers.put("authorization", authorization);
        }
        if (body != null) {
            headers.put("content-type", "application/json");
        }
        HttpRequestMessage<Optional<byte[]>> request = request(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)),
                URI.create("https://migration-controlplane.azurewebsites.net" + pathAndQuery), headers,
                Optional.ofNullable(body).map(b -> b.getBytes(StandardCharsets.UTF_8)));
        FakeResponseBuilder builder = new FakeResponseBuilder();
        when(request.createResponseBuilder(any(HttpStatusType.class))).thenAnswer(call -> builder.status(call.getArgument(0)));
        HttpResponseMessage response = invoke(function, request);
        Object responseBody = response.getBody();
        return new AuthMatrix.Answer(response.getStatusCode(), builder.headers,
                responseBody == null ? "" : new String((byte[]) responseBody, StandardCharsets.UTF_8));
    }

    private static HttpResponseMessage invoke(HttpFunction function, HttpRequestMessage<Optional<byte[]>> request) {
        Method entryPoint = function.entryPoint();
        Parameter[] parameters = entryPoint.getParameters();
        if (parameters.length != 1) {
            throw new AssertionError(function.name() + " takes " + parameters.length + " parameters; these tests pass the request only");
        }
        try {
            Object instance = entryPoint.getDeclaringClass().getDeclaredConstructor().newInstance();
            return (HttpResponseMessage) entryPoint.invoke(instance, request);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static HttpRequestMessage<Optional<byte[]>> request(HttpMethod method, URI uri, Map<String, String> headers,
                                                        Optional<byte[]> body) {
        HttpRequestMessage<Optional<byte[]>> request = mock(HttpRequestMessage.class);
        when(request.getHttpMethod()).thenReturn(method);
        when(request.getUri()).thenReturn(uri);
        when(request.getHeaders()).thenReturn(headers);
        when(request.getBody()).thenReturn(body);
        return request;
    }
}
