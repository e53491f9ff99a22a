package io.controlplane.standalone;

import io.controlplane.testing.Azurite;
import io.controlplane.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The standalone host as a real process ({@code java -cp <test class path> StandaloneHost}) on
 * 127.0.0.1 and a free port, its output in a file, stopped by its PID: {@link #terminate()} is the
 * SIGTERM Container Apps, Kubernetes and Ctrl-C send.
 */
public final class HostProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private HostProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Started on {@code azurite} with tables and queues named by {@code prefix}, ready (health/ready 200) when returned. */
    public static HostProcess start(Path work, Azurite azurite, String prefix, Path keyFile, Map<String, String> extra) {
        int port = Azurite.freePort();
        try {
            // Kept under target/ after the test, for a look at what the host did.
            Path logs = Files.createDirectories(Path.of("target", "host-logs"));
            Path log = Files.createTempFile(logs, prefix + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), StandaloneHost.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("PORT", String.valueOf(port));
            env.put("BIND_ADDRESS", "127.0.0.1");
            env.put("STORAGE_CONNECTION_STRING", azurite.connectionString());
            env.put("STORAGE_TABLE_PREFIX", prefix);
            env.put("QUEUE_PREFIX", prefix.toLowerCase() + "-");
            env.put("CONTROLPLANE_REGIONS", "westeurope");
            env.put("DEV_ISSUER_KEY_FILE", keyFile.toString());
            env.put("AUTH_DEV_ISSUER", "true"); // an explicit opt-in, refused where the process looks like Azure:
            java.util.List.of("WEBSITE_INSTANCE_ID", "CONTAINER_APP_NAME", "KUBERNETES_SERVICE_HOST").forEach(env::remove);
            env.put("CONTROLPLANE_SETTINGS_FILE", work.resolve("absent.json").toString());
            env.put("OTEL_SDK_DISABLED", "true");
            env.remove("APPLICATIONINSIGHTS_CONNECTION_STRING");
            env.remove("OTEL_EXPORTER_OTLP_ENDPOINT");
            env.putAll(extra);
            HostProcess host = new HostProcess(builder.start(), log, port);
            host.awaitReady(Duration.ofSeconds(60));
            return host;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the host exited: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(uri("/api/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("the host was not ready within " + timeout + ": " + Files.readString(log));
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, by PID (the shutdown hook runs). */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL, by PID: no shutdown hook, no lease handed back (a crash, an OOM kill). */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits for the process to exit; true when it did within {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        Processes.stop(process, false, 10);
    }
}
