package io.controlplane.bench;

import io.controlplane.ControlPlane;
import io.controlplane.telemetry.TelemetrySetup;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.standalone.StandaloneHost;
import io.controlplane.testing.Azurite;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One control plane with its own tables on the shared Azurite, served over HTTP on a free port. */
final class BenchInstance implements AutoCloseable {

    static final String REGION = "westeurope";

    final ControlPlane controlPlane;
    final StandaloneHost host;
    final DevIssuer issuer;
    final String prefix;

    BenchInstance(Path work, RequestCounter counter, String name) throws Exception {
        this(work, counter, name, Map.of());
    }

    /** @param overrides settings on top of the benchmark's defaults */
    BenchInstance(Path work, RequestCounter counter, String name, Map<String, String> overrides) throws Exception {
        Map<String, String> values = new HashMap<>();
        prefix = "b" + name + System.nanoTime();
        values.put("STORAGE_CONNECTION_STRING", Azurite.shared().connectionString());
        values.put("STORAGE_TABLE_PREFIX", prefix);
        values.put("CONTROLPLANE_REGIONS", REGION);
        values.put("AUTH_DEV_ISSUER", "true");
        values.put("DEV_ISSUER_KEY_FILE", work.resolve("key.json").toString());
        values.put("PORT", "0");
        values.put("BIND_ADDRESS", "127.0.0.1");
        values.put("PROGRESS_MIN_INTERVAL_MS", "1000");
        values.put("PREEMPT_AFTER_SECONDS", "0");
        values.putAll(overrides);
        controlPlane = ControlPlane.builder(values).clock(Clock.systemUTC()).addPolicy(counter)
                .telemetry(TelemetrySetup.Installed.none()).build();
        host = StandaloneHost.start(controlPlane, values);
        issuer = DevIssuer.loadOrCreate(work.resolve("key.json"), DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + host.port());
    }

    String token(String tenant, String subject, String... roles) {
        return issuer.token(tenant, subject, List.of(roles), Duration.ofHours(2));
    }

    @Override
    public void close() {
        host.close();
    }
}
