package io.controlplane.standalone;

import com.sun.net.httpserver.HttpServer;
import io.controlplane.ControlPlane;
import io.controlplane.config.ControlPlaneSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The self-hosted control plane: the shared {@link ControlPlane} behind the JDK's HTTP server.
 * Configured by environment variables and/or local.settings.json; listens on 127.0.0.1:7071 unless
 * {@code BIND_ADDRESS} / {@code PORT} say otherwise.
 */
public final class StandaloneHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneHost.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final ControlPlane controlPlane;
    private final BackgroundWork background;

    private StandaloneHost(HttpServer server, ExecutorService executor, ControlPlane controlPlane, BackgroundWork background) {
        this.server = server;
        this.executor = executor;
        this.controlPlane = controlPlane;
        this.background = background;
    }

    public static StandaloneHost start(Map<String, String> values) throws IOException {
        return start(ControlPlane.create(values), values);
    }

    /** Serves an already built control plane (tests and benchmarks build theirs with extra policies). */
    public static StandaloneHost start(ControlPlane controlPlane, Map<String, String> values) throws IOException {
        ControlPlaneSettings settings = controlPlane.settings();
        String bind = values.getOrDefault(StandaloneSettings.BIND_ADDRESS, "127.0.0.1");
        settings.requireLoopbackForDevIssuer(StandaloneSettings.BIND_ADDRESS, bind);
        int port = StandaloneSettings.intValue(values, StandaloneSettings.PORT, 7071);
        int threads = StandaloneSettings.intValue(values, StandaloneSettings.HTTP_THREADS, 64);
        // The JDK server leaves Nagle's algorithm on by default, which holds small responses back
        // for a delayed ACK (~40 ms): fatal for long-poll and status latency.
        System.setProperty("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
        HttpServer server = HttpServer.create(new InetSocketAddress(bind, port), 256);
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "http-" + System.nanoTime());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", new HttpServerAdapter(controlPlane.api()));
        server.start();
        BackgroundWork background = BackgroundWork.start(controlPlane);
        LOG.info("event=started host=standalone address={}:{} regions={} environment={} auth={}",
                bind, server.getAddress().getPort(), settings.regions(), settings.environment(),
                settings.usesDevIssuer() ? "development-issuer" : "jwks");
        return new StandaloneHost(server, executor, controlPlane, background);
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        background.close();
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        controlPlane.close();
    }

    public static void main(String[] args) {
        // The OpenTelemetry logging exporters (and a few libraries) write to java.util.logging:
        // through SLF4J their lines get the same format and destination as ours.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        try {
            StandaloneHost host = start(StandaloneSettings.load(System.getenv()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("event=stopping host=standalone");
                host.close();
            }, "shutdown"));
        } catch (IllegalArgumentException e) {
            LOG.error("event=start_failed reason=configuration\n{}", e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            LOG.error("event=start_failed reason={}", e.toString(), e);
            System.exit(1);
        }
    }
}
