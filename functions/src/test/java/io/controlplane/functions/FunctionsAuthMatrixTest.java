package io.controlplane.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.ControlPlane;
import io.controlplane.api.AuthMatrix;
import io.controlplane.api.HttpApi;
import io.controlplane.api.Route;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.telemetry.RedactingHandler;
import io.controlplane.testing.Azurite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The {@link AuthMatrix} through the Functions host's transport: each case is given to the
 * {@code @FunctionName} method whose route serves it, as an {@code HttpRequestMessage}, on a
 * control plane on Azurite. What reaches java.util.logging's root handlers (the worker's console
 * output, which the host collects) is captured to show that none of the credentials sent is in it.
 */
class FunctionsAuthMatrixTest {

    /** A PAT-shaped value sent where the api logs it (the path): it must be masked, not just absent. */

    @TempDir
    static Path work;

    private static final HttpFunctions FUNCTIONS = HttpFunctions.scan();
    private static final ConsoleOutput OUTPUT = new ConsoleOutput();
    private static ControlPlane controlPlane;
    private static AuthMatrix.Scene scene;

    /** The text a console handler on the root logger would print, kept. */
    static final class ConsoleOutput extends Handler {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            lines.add(format.format(record));
        }

        String text() {
            return String.join("", lines);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @BeforeAll
    static void start() {
        // Before any function runs: the first invocation must put redaction in front of it.
        Logger.getLogger("").addHandler(OUTPUT);
        Path keyFile = work.resolve("dev-issuer-key.json");
        controlPlane = ControlPlane.builder(io.controlplane.testing.LocalSettings.onSharedAzurite("fnmatrix", keyFile)).build();
        ControlPlaneHolder.serveFrom(controlPlane);
        scene = AuthMatrix.setUp(FUNCTIONS, DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE));
    }

    @AfterAll
    static void stop() {
        ControlPlaneHolder.serveFrom(null);
        if (controlPlane != null) {
            controlPlane.close();
        }
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler == OUTPUT || handler instanceof RedactingHandler r && r.delegate() == OUTPUT) {
                root.removeHandler(handler);
            }
        }
    }

    static List<AuthMatrix.Case> cases() {
        return AuthMatrix.cases(controlPlane.api().routes(), scene);
    }

    @Test
    void everyRouteOfTheApiIsServedByExactlyOneFunctionAndNoFunctionServesMore() {
        List<String> routes = HttpApi.describeRoutes().stream().map(AuthMatrix::key).sorted().toList();
        assertThat(FUNCTIONS.keys()).containsExactlyElementsOf(routes);
        for (Route route : HttpApi.describeRoutes()) {
            String path = route.path().template().replaceAll("\\{[^}]+}", "x");
            assertThat(FUNCTIONS.serving(route.method(), path).keys()).as(AuthMatrix.key(route)).contains(AuthMatrix.key(route));
        }
        assertThat(cases().stream().map(c -> AuthMatrix.key(c.route())).collect(Collectors.toSet()))
                .isEqualTo(AuthMatrix.securedKeys(HttpApi.describeRoutes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyBadCallerIsRefusedByTheFunctionAndLearnsNothing(AuthMatrix.Case c) {
        AuthMatrix.run(c, FUNCTIONS, scene);
    }

    @Test
    void noCredentialSentReachesTheLogOutput() {
        int before = OUTPUT.lines.size();
        List<String> sent = AuthMatrix.sendCredentialsAndSecrets(FUNCTIONS::send, cases(), scene);
        String client = "Bearer " + scene.issuer().token(AuthMatrix.OWNER, "user-of-contoso",
                List.of("Jobs.Submit", "Jobs.Read"), Duration.ofMinutes(5));
        sent.addAll(AuthMatrix.credentialsIn(client));
        // And what some code might log by mistake, through SLF4J as the api and the SDKs do:
        LoggerFactory.getLogger(HttpApi.class).warn("event=mistake authorization={}", client,
                new IllegalStateException("storage refused AccountKey=" + Azurite.KEY));
        sent.add(Azurite.KEY);

        String logged = String.join("", OUTPUT.lines.subList(before, OUTPUT.lines.size()));
        assertThat(logged.lines().filter(l -> l.contains("event=request")).count())
                .as("request lines logged").isGreaterThanOrEqualTo(cases().size());
        assertThat(logged).contains("path=/api/jobs/[REDACTED] status=404")
                .contains("event=mistake authorization=Bearer [REDACTED]")
                .contains("java.lang.IllegalStateException: storage refused AccountKey=[REDACTED]");
        for (String secret : sent) {
            assertThat(logged).as("the log output shows a credential that was sent").doesNotContain(secret);
        }
    }
}
