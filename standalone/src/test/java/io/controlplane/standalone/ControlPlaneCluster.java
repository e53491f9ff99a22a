package io.controlplane.standalone;

import io.controlplane.api.auth.DevIssuer;
import io.controlplane.testing.Azurite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Several standalone control planes in this JVM sharing one Azurite and nothing else (each has
 * its own ControlPlane, HTTP server, signal and timers), as independent instances of one regional
 * deployment would.
 */
final class ControlPlaneCluster implements AutoCloseable {

    final List<StandaloneHost> hosts = new ArrayList<>();
    final DevIssuer issuer;

    ControlPlaneCluster(int instances, Path keyFile, String tablePrefix, Map<String, String> extra) {
        Map<String, String> values = io.controlplane.testing.LocalSettings.onSharedAzurite(tablePrefix, keyFile);
        values.putAll(extra);
        try {
            for (int i = 0; i < instances; i++) {
                hosts.add(StandaloneHost.start(values));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
    }

    URI uri(int instance) {
        return URI.create("http://127.0.0.1:" + hosts.get(instance).port());
    }

    String token(String tenant, String subject, String... roles) {
        return issuer.token(tenant, subject, List.of(roles), Duration.ofHours(1));
    }

    @Override
    public void close() {
        hosts.forEach(StandaloneHost::close);
    }
}
