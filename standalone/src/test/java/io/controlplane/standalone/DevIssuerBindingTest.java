package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.ControlPlane;
import io.controlplane.testing.LocalSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development issuer's tokens are whatever its local key file says: it serves loopback only. */
class DevIssuerBindingTest {

    @TempDir
    Path work;

    @Test
    void theStandaloneHostRefusesTheDevIssuerOnEveryInterface() throws Exception {
        Map<String, String> values = LocalSettings.onSharedAzurite("devbind", work.resolve("key.json"));
        values.put(StandaloneSettings.BIND_ADDRESS, "0.0.0.0");

        try (ControlPlane controlPlane = ControlPlane.builder(values).build()) {
            assertThatThrownBy(() -> StandaloneHost.start(controlPlane, values))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("AUTH_DEV_ISSUER=true needs BIND_ADDRESS to be a loopback address");
        }
    }

    @Test
    void onLoopbackItStarts() throws Exception {
        Map<String, String> values = LocalSettings.onSharedAzurite("devbind", work.resolve("key.json"));

        try (StandaloneHost host = StandaloneHost.start(values)) {
            assertThat(host.port()).isPositive();
        }
    }
}
