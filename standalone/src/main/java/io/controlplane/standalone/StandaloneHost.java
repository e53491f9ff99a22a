package io.controlplane.standalone;

import io.controlplane.ControlPlane;
import io.controlplane.config.ControlPlaneSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The self-hosted control plane: the shared {@link ControlPlane} behind an embedded Jetty
 * (asynchronous: a parked long poll holds no thread; limits on every phase of a request; TLS and
 * HTTP/2 when asked). Configured by environment variables and/or local.settings.json; listens on
 * 127.0.0.1:7071 unless {@code BIND_ADDRESS} / {@code PORT} say otherwise.
 */
public final class StandaloneHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneHost.class);

    private final Server server;
    private final ServerConnector connector;
    private final ControlPlane controlPlane;
    private final BackgroundWork background;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down when a signal's stop has finished (main waits for it before the JVM exits). */
    private final CountDownLatch stopped = new CountDownLatch(1);

    private StandaloneHost(Server server, ServerConnector connector, ControlPlane controlPlane, BackgroundWork background) {
        this.server = server;
        this.connector = connector;
        this.controlPlane = controlPlane;
        this.background = background;
    }

    public static StandaloneHost start(Map<String, String> values) throws IOException {
        HttpSettings.from(values); // wrong HTTP settings stop the host before it connects to storage
        return start(ControlPlane.builder(values).build(), values);
    }

    /** Serves an already built control plane (tests and benchmarks build theirs with extra policies). */
    public static StandaloneHost start(ControlPlane controlPlane, Map<String, String> values) throws IOException {
        ControlPlaneSettings settings = controlPlane.settings();
        HttpSettings http = HttpSettings.from(values);
        settings.auth().requireLoopbackForDevIssuer(StandaloneSettings.BIND_ADDRESS, http.bindAddress());
        QueuedThreadPool threads = new QueuedThreadPool(http.threads(), Math.min(8, http.threads()));
        threads.setName("http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, -1, connectionFactories(http));
        connector.setHost(http.bindAddress());
        connector.setPort(http.port());
        connector.setIdleTimeout(http.idleTimeout().toMillis());
        connector.setAcceptQueueSize(1024);
        HeaderDeadlines deadlines = new HeaderDeadlines(http.headerTimeout(), connector.getScheduler());
        connector.addBean(deadlines);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(http.maxConnections(), connector));
        // Counts requests in flight, so a stop waits for them (up to the stop timeout) and refuses new ones.
        server.setHandler(new GracefulHandler(ConsoleHandler.wrap(new ApiHandler(controlPlane.api(), http.bodyTimeout(), threads, deadlines),
                ConsoleSettings.from(values, settings)))); // the web console at /, the API under /api
        server.setErrorHandler(new ProblemErrorHandler(controlPlane.api()));
        server.setStopTimeout(http.stopTimeout().toMillis());
        server.setStopAtShutdown(false); // main's shutdown hook stops it, in the order a clean stop needs
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw e instanceof IOException io ? io : new IOException("The HTTP server did not start: " + e, e);
        }
        BackgroundWork background = BackgroundWork.start(controlPlane);
        LOG.info("event=started host=standalone address={}:{} tls={} http2={} regions={} environment={} auth={}",
                http.bindAddress(), connector.getLocalPort(), http.tls(), http.http2(), settings.regions(), settings.environment(),
                settings.auth().usesDevIssuer() ? "development-issuer" : "jwks");
        return new StandaloneHost(server, connector, controlPlane, background);
    }

    /** HTTP/1.1, plus HTTP/2: negotiated by ALPN over TLS, cleartext (h2c, prior knowledge or upgrade) otherwise. */
    private static ConnectionFactory[] connectionFactories(HttpSettings http) {
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(http.maxHeaderBytes());
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        // Dispatch on the head alone: the token is checked before any byte of the body is read.
        config.setDelayDispatchUntilContent(false);
        List<ConnectionFactory> factories = new ArrayList<>();
        if (http.tls()) {
            config.addCustomizer(new SecureRequestCustomizer(false)); // certificates for IPs and private names too
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(PemKeyStore.load(http.tlsCertificate(), http.tlsKey()));
            ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
            HttpConnectionFactory http1 = new HttpConnectionFactory(config);
            if (http.http2()) {
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
                alpn.setDefaultProtocol(http1.getProtocol());
                factories.add(new SslConnectionFactory(ssl, alpn.getProtocol()));
                factories.add(alpn);
                factories.add(new HTTP2ServerConnectionFactory(config));
            } else {
                factories.add(new SslConnectionFactory(ssl, http1.getProtocol()));
            }
            factories.add(http1);
        } else {
            factories.add(new HttpConnectionFactory(config));
            if (http.http2()) {
                factories.add(new HTTP2CServerConnectionFactory(config));
            }
        }
        return factories.toArray(ConnectionFactory[]::new);
    }

    public ControlPlane controlPlane() {
        return controlPlane;
    }

    public int port() {
        return connector.getLocalPort();
    }

    /**
     * A clean stop: not ready from now on, every parked long poll answered 204 at once, no new
     * connections, requests in flight finish (up to {@code HTTP_STOP_TIMEOUT_MS}), then background
     * work, storage clients and telemetry (flushed) are closed.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        controlPlane.beginStop();
        background.close();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("event=http_stop_failed error={}", e.toString());
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
            // SIGTERM (Container Apps, Kubernetes) and Ctrl-C stop the host before the JVM begins
            // to shut down: once it has, storage clients refuse new calls ("Shutdown in progress"),
            // so requests in flight could not finish. The hook covers any other exit.
            for (String signal : List.of("TERM", "INT")) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> new Thread(() -> {
                        stop(host);
                        System.exit(0);
                    }, "stop-on-" + signal).start());
                } catch (IllegalArgumentException unsupported) {
                    LOG.warn("event=signal_not_handled signal={} fallback=shutdown-hook", signal);
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(host), "shutdown"));
            // Jetty's threads are daemons (an in-process host must not keep a JVM alive): main waits,
            // and once the server has stopped, for the rest of a stop under way (the control plane's
            // close: leases handed over, queues drained), so the JVM does not end it half-way.
            host.server.join();
            if (host.closed.get()) {
                host.stopped.await(HttpSettings.EXIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IllegalArgumentException e) {
            LOG.error("event=start_failed reason=configuration\n{}", e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            LOG.error("event=start_failed reason={}", e.toString(), e);
            System.exit(1);
        }
    }

    /** SIGTERM or Ctrl-C: a clean stop, and an exit within {@link HttpSettings#EXIT_DEADLINE} whatever hangs. */
    private static void stop(StandaloneHost host) {
        if (host.closed.get()) {
            return; // stopped already (the signal's stop, then the exit's hook)
        }
        long started = System.nanoTime();
        LOG.info("event=stopping host=standalone");
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(HttpSettings.EXIT_DEADLINE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            LOG.warn("event=stop_overran host=standalone afterMs={}", HttpSettings.EXIT_DEADLINE.toMillis());
            Runtime.getRuntime().halt(1);
        }, "stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        host.close();
        LOG.info("event=stopped host=standalone durationMs={}", Duration.ofNanos(System.nanoTime() - started).toMillis());
        watchdog.interrupt();
        host.stopped.countDown();
    }
}
