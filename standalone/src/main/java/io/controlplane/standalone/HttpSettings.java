package io.controlplane.standalone;

import io.controlplane.app.LeaseWork;
import io.controlplane.config.SettingValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The standalone host's HTTP server settings, checked once at start (every problem reported at
 * once). The defaults are safe on the open internet: a slow or silent client costs a socket with a
 * deadline, never a thread. Each setting is documented in docs/operations.md.
 */
record HttpSettings(
        String bindAddress,
        int port,
        int threads,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration idleTimeout,
        int maxConnections,
        int maxHeaderBytes,
        Duration stopTimeout,
        Path tlsCertificate,
        Path tlsKey,
        boolean http2) {

    static final String PORT = StandaloneSettings.PORT;
    static final String BIND_ADDRESS = StandaloneSettings.BIND_ADDRESS;
    static final String HTTP_THREADS = StandaloneSettings.HTTP_THREADS;
    static final String HTTP_HEADER_TIMEOUT_MS = "HTTP_HEADER_TIMEOUT_MS";
    static final String HTTP_BODY_TIMEOUT_MS = "HTTP_BODY_TIMEOUT_MS";
    static final String HTTP_IDLE_TIMEOUT_MS = "HTTP_IDLE_TIMEOUT_MS";
    static final String HTTP_MAX_CONNECTIONS = "HTTP_MAX_CONNECTIONS";
    static final String HTTP_MAX_HEADER_BYTES = "HTTP_MAX_HEADER_BYTES";
    static final String HTTP_STOP_TIMEOUT_MS = "HTTP_STOP_TIMEOUT_MS";
    static final String TLS_CERTIFICATE_FILE = "TLS_CERTIFICATE_FILE";
    static final String TLS_KEY_FILE = "TLS_KEY_FILE";
    static final String HTTP2 = "HTTP2";

    /** Every setting this class reads (the operations guide must list each). */
    static final List<String> NAMES = List.of(PORT, BIND_ADDRESS, HTTP_THREADS, HTTP_HEADER_TIMEOUT_MS, HTTP_BODY_TIMEOUT_MS,
            HTTP_IDLE_TIMEOUT_MS, HTTP_MAX_CONNECTIONS, HTTP_MAX_HEADER_BYTES, HTTP_STOP_TIMEOUT_MS, TLS_CERTIFICATE_FILE,
            TLS_KEY_FILE, HTTP2);

    /**
     * The longest a stop may take before the process exits anyway: Container Apps and Kubernetes
     * send SIGKILL 30 s after SIGTERM by default, and a stopping instance should be gone well before.
     */
    static final Duration EXIT_DEADLINE = Duration.ofSeconds(9);

    boolean tls() {
        return tlsCertificate != null;
    }

    static HttpSettings from(Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        String bind = values.getOrDefault(BIND_ADDRESS, "127.0.0.1").trim();
        if (bind.isEmpty()) {
            problems.add(BIND_ADDRESS + " must not be empty");
        }
        int port = (int) number(values, PORT, 7071, 0, 65535, problems);
        int threads = (int) number(values, HTTP_THREADS, 200, 8, 5000, problems);
        Duration header = Duration.ofMillis(number(values, HTTP_HEADER_TIMEOUT_MS, 10_000, 100, 120_000, problems));
        Duration body = Duration.ofMillis(number(values, HTTP_BODY_TIMEOUT_MS, 30_000, 100, 600_000, problems));
        // Above the longest long poll with room to answer it: a poll is answered when its wait ends,
        // and an idle timeout due at the same moment would close the connection under that answer.
        Duration idle = Duration.ofMillis(number(values, HTTP_IDLE_TIMEOUT_MS, 60_000,
                (LeaseWork.MAX_WAIT_SECONDS + 5) * 1000L, 3_600_000, problems));
        int connections = (int) number(values, HTTP_MAX_CONNECTIONS, 10_000, 1, 1_000_000, problems);
        int headerBytes = (int) number(values, HTTP_MAX_HEADER_BYTES, 16 * 1024, 1024, 1024 * 1024, problems);
        long stopMax = EXIT_DEADLINE.toMillis() - 2000; // time left to flush telemetry and close storage clients
        Duration stop = Duration.ofMillis(number(values, HTTP_STOP_TIMEOUT_MS, 5000, 0, stopMax, problems));
        Path certificate = file(values, TLS_CERTIFICATE_FILE, problems);
        Path key = file(values, TLS_KEY_FILE, problems);
        if ((certificate == null) != (key == null) && !problems.stream().anyMatch(p -> p.startsWith("TLS_"))) {
            problems.add(TLS_CERTIFICATE_FILE + " and " + TLS_KEY_FILE + " go together: set both (TLS) or neither (plain HTTP)");
        }
        boolean http2 = SettingValues.flag(values, HTTP2, true, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid standalone host settings:\n  - " + String.join("\n  - ", problems));
        }
        return new HttpSettings(bind, port, threads, header, body, idle, connections, headerBytes, stop, certificate, key, http2);
    }

    private static long number(Map<String, String> values, String name, long dflt, long min, long max, List<String> problems) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return dflt;
        }
        try {
            long value = Long.parseLong(raw.trim());
            if (value < min || value > max) {
                problems.add(name + " must be from " + min + " to " + max + ", was " + value);
                return dflt;
            }
            return value;
        } catch (NumberFormatException e) {
            problems.add(name + " must be a whole number, was '" + raw + "'");
            return dflt;
        }
    }

    private static Path file(Map<String, String> values, String name, List<String> problems) {
        String raw = values.get(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        Path path = Path.of(raw.trim());
        if (!Files.isReadable(path)) {
            problems.add(name + " names a file that cannot be read: " + path.toAbsolutePath());
        }
        return path;
    }
}
