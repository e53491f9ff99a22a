package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone host's HTTP settings: safe defaults, every problem at once, and each one in the operations guide. */
class HttpSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreSafeOnTheOpenInternet() {
        HttpSettings s = HttpSettings.from(Map.of());

        assertThat(s.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(7071);
        assertThat(s.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.bodyTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxHeaderBytes()).isEqualTo(16 * 1024);
        assertThat(s.maxConnections()).isEqualTo(10_000);
        assertThat(s.tls()).isFalse();
        assertThat(s.http2()).isTrue();
        assertThat(s.stopTimeout().plusSeconds(2)).isLessThanOrEqualTo(HttpSettings.EXIT_DEADLINE);
    }

    @Test
    void everyWrongSettingIsReportedAtOnce() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");

        assertThatThrownBy(() -> HttpSettings.from(Map.of(
                "PORT", "70000", "HTTP_HEADER_TIMEOUT_MS", "soon", "HTTP_STOP_TIMEOUT_MS", "20000", "HTTP2", "maybe",
                "TLS_CERTIFICATE_FILE", cert.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("PORT must be from 0 to 65535", "HTTP_HEADER_TIMEOUT_MS must be a whole number",
                        "HTTP_STOP_TIMEOUT_MS must be from 0 to 7000", "HTTP2 must be true or false",
                        "TLS_CERTIFICATE_FILE and TLS_KEY_FILE go together");
        assertThatThrownBy(() -> HttpSettings.from(Map.of("TLS_CERTIFICATE_FILE", dir.resolve("absent.pem").toString(),
                "TLS_KEY_FILE", cert.toString()))).hasMessageContaining("TLS_CERTIFICATE_FILE names a file that cannot be read");
    }

    @Test
    void theOperationsGuideListsEveryStandaloneSettingAndNoOther() throws Exception {
        String guide = Files.readString(io.controlplane.testing.ProjectRoot.find().resolve("docs/operations.md"));
        int start = guide.indexOf("### Standalone settings");
        int end = guide.indexOf("\n### ", start + 1);
        assertThat(start).as("a '### Standalone settings' section").isPositive();
        Matcher row = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|", Pattern.MULTILINE).matcher(guide.substring(start, end));
        Set<String> documented = new TreeSet<>();
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> inCode = new TreeSet<>(HttpSettings.NAMES);
        inCode.add(StandaloneSettings.SETTINGS_FILE);

        assertThat(documented).isEqualTo(inCode);
        assertThat(List.copyOf(inCode)).contains("HTTP_BODY_TIMEOUT_MS", "TLS_KEY_FILE");
    }
}
