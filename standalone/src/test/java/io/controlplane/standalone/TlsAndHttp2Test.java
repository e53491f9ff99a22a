package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from PEM files (HTTP/2 negotiated by ALPN) and cleartext HTTP/2 (h2c upgrade) on the standalone host. */
class TlsAndHttp2Test {

    @TempDir
    Path dir;

    @Test
    void pemCertificateAndKeyServeHttpsWithHttp2() throws Exception {
        KeyStore generated = selfSigned();
        Certificate certificate = generated.getCertificate("host");
        PrivateKey key = (PrivateKey) generated.getKey("host", "changeit".toCharArray());
        Path certFile = Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
        Path keyFile = Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        Map<String, String> values = io.controlplane.testing.LocalSettings.onSharedAzurite("tls", dir.resolve("dev-issuer-key.json"));
        values.put("TLS_CERTIFICATE_FILE", certFile.toString());
        values.put("TLS_KEY_FILE", keyFile.toString());

        try (StandaloneHost host = StandaloneHost.start(values)) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("host", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).build();

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + host.port() + "/api/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
            // Plain HTTP to the TLS port gets no HTTP answer (a TLS alert), so no token ever travels in clear.
            assertThatThrownBy(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + "/api/health"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void plainHttpUpgradesToHttp2WhenAsked() throws Exception {
        Map<String, String> values = io.controlplane.testing.LocalSettings.onSharedAzurite("htwo", dir.resolve("dev-issuer-key.json"));
        try (StandaloneHost host = StandaloneHost.start(values)) {
            HttpResponse<String> health = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + host.port() + "/api/health"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(health.headers().firstValue("content-type")).contains("application/json");
        }
    }

    /** A self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    private KeyStore selfSigned() throws Exception {
        Path store = dir.resolve("host.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "host", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        return keys;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
