package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.AuthMatrix;
import io.controlplane.api.HttpApi;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.testing.Azurite;
import io.controlplane.validation.JobSpecValidatorTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The {@link AuthMatrix} over the standalone host's transport: a StandaloneHost on Azurite in this
 * JVM, spoken to over HTTP with the JDK client. Its console output is captured through
 * logback.xml's own encoder, to show that none of the credentials sent reaches it.
 */
class StandaloneAuthMatrixTest {

    /** A PAT-shaped value sent where the api logs it (the path): it must be masked, not just absent. */

    @TempDir
    static Path work;

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private static final AuthMatrix.Transport TRANSPORT = StandaloneAuthMatrixTest::send;
    private static LogOutput output;
    private static StandaloneHost host;
    private static AuthMatrix.Scene scene;

    @BeforeAll
    static void start() throws IOException {
        output = LogOutput.attach();
        Path keyFile = work.resolve("dev-issuer-key.json");
        host = StandaloneHost.start(io.controlplane.testing.LocalSettings.onSharedAzurite("authmatrix", keyFile));
        scene = AuthMatrix.setUp(TRANSPORT, DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE));
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
        if (output != null) {
            output.close();
        }
    }

    private static AuthMatrix.Answer send(String method, String pathAndQuery, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new HashMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
            return new AuthMatrix.Answer(response.statusCode(), headers, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static List<AuthMatrix.Case> cases() {
        return AuthMatrix.cases(host.controlPlane().api().routes(), scene);
    }

    @Test
    void theHostServesTheWholeRouteTable() {
        // One context for every path: whatever the api routes, this host serves, none left out.
        assertThat(AuthMatrix.securedKeys(host.controlPlane().api().routes()))
                .isEqualTo(AuthMatrix.securedKeys(HttpApi.describeRoutes()))
                .isEqualTo(cases().stream().map(c -> AuthMatrix.key(c.route())).collect(java.util.stream.Collectors.toSet()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyBadCallerIsRefusedOverHttpAndLearnsNothing(AuthMatrix.Case c) {
        AuthMatrix.run(c, TRANSPORT, scene);
    }

    @Test
    void noCredentialSentReachesTheLogOutput() {
        int before = output.text().length();
        List<String> sent = AuthMatrix.sendCredentialsAndSecrets(TRANSPORT, cases(), scene);
        String client = "Bearer " + scene.issuer().token(AuthMatrix.OWNER, "user-of-contoso",
                List.of("Jobs.Submit", "Jobs.Read"), Duration.ofMinutes(5));
        sent.addAll(AuthMatrix.credentialsIn(client));
        // And what some code might log by mistake, through the same configuration:
        LoggerFactory.getLogger(StandaloneHost.class).warn("event=mistake authorization={}", client,
                new IllegalStateException("storage refused AccountKey=" + Azurite.KEY));
        sent.add(Azurite.KEY);

        String logged = output.text().substring(before);
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
