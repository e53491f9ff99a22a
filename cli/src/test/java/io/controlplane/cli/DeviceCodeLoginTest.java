package io.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cpctl login} through Entra ID's device code flow, as a process, against {@link FakeEntra}
 * (HTTPS on 127.0.0.1 with a certificate made here, trusted by cpctl's JVM): the code and where to
 * enter it are shown, cpctl polls until the user signed in, and keeps the token for the profile in
 * an owner-only file; a user who declines gets the auth exit code and no token.
 */
class DeviceCodeLoginTest {

    private static final String PASSWORD = "changeit";
    private static final String SCOPE = "api://00000000-0000-0000-0000-0000000000ab/.default";

    @TempDir
    static Path certs;
    static Path serverKeys;
    static Path trusted;

    @TempDir
    Path work;

    @BeforeAll
    static void certificates() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        serverKeys = certs.resolve("server.p12");
        trusted = certs.resolve("trust.p12");
        Path cer = certs.resolve("server.cer");
        run(keytool, "-genkeypair", "-alias", "fake-entra", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", serverKeys.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        run(keytool, "-exportcert", "-alias", "fake-entra", "-keystore", serverKeys.toString(), "-storepass", PASSWORD,
                "-file", cer.toString());
        run(keytool, "-importcert", "-noprompt", "-alias", "fake-entra", "-file", cer.toString(), "-storetype", "PKCS12",
                "-keystore", trusted.toString(), "-storepass", PASSWORD);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run login(FakeEntra authority) throws Exception {
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.ssl.trustStore=" + trusted, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Cpctl.class.getName(),
                "--profile", "westeurope", "--url", "http://127.0.0.1:7071/", "login", "--tenant", "organizations",
                "--client-id", "00000000-0000-0000-0000-00000000c11e", "--scope", SCOPE,
                "--authority-host", authority.authorityHost()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("CPCTL_CONFIG_DIR", work.resolve("config").toString());
        List.of("CPCTL_PROFILE", "CPCTL_URL", "CPCTL_TOKEN", "AZURE_AUTHORITY_HOST").forEach(builder.environment()::remove);
        Process p = builder.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("cpctl login ended").isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void aUserWhoSignsInWithTheCodeGetsATokenKeptForTheProfileAlone() throws Exception {
        try (FakeEntra authority = new FakeEntra(serverKeys, PASSWORD.toCharArray(), 1)) {
            Run run = login(authority);

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.err()).contains("enter the code ABCD-EFGH").contains(authority.authorityHost() + "/devicelogin");
            assertThat(run.err()).contains("Signed in with profile westeurope").contains("entra token");
            assertThat(authority.requests).as("the code, one pending poll, the token; no instance discovery")
                    .containsExactly("POST /organizations/oauth2/v2.0/devicecode", "POST /organizations/oauth2/v2.0/token",
                            "POST /organizations/oauth2/v2.0/token");
            Path config = work.resolve("config");
            Path token = config.resolve("tokens").resolve("westeurope.json");
            JsonNode saved = Json.mapper().readTree(Files.readString(token));
            assertThat(saved.toString()).contains(FakeEntra.ACCESS_TOKEN);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
            JsonNode profiles = Json.mapper().readTree(Files.readString(config.resolve("profiles.json")));
            assertThat(profiles.toString()).contains("00000000-0000-0000-0000-00000000c11e").contains(SCOPE)
                    .doesNotContain(FakeEntra.ACCESS_TOKEN);
        }
    }

    @Test
    void aUserWhoDeclinesIsRefusedWithTheAuthExitCodeAndNoToken() throws Exception {
        try (FakeEntra authority = new FakeEntra(serverKeys, PASSWORD.toCharArray(), 0)) {
            authority.decline = true;
            Run run = login(authority);

            assertThat(run.exit()).as(run.toString()).isEqualTo(ExitCodes.AUTH);
            assertThat(run.err()).contains("Entra ID sign-in failed");
            assertThat(Files.exists(work.resolve("config").resolve("tokens").resolve("westeurope.json"))).isFalse();
        }
    }

    @Test
    void anAuthorityThatIsNotHttpsIsAUsageError() throws Exception {
        Path out = work.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Cpctl.class.getName(), "--url", "http://127.0.0.1:7071/", "login",
                "--client-id", "c", "--authority-host", "http://127.0.0.1:1").redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("CPCTL_CONFIG_DIR", work.resolve("config").toString());
        Process p = builder.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(readQuietly(out)).isEqualTo(ExitCodes.USAGE);
        assertThat(readQuietly(out)).contains("--authority-host must be an https:// URL");
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
