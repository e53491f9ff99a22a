package io.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.ApiRequest;
import io.controlplane.api.ApiResponse;
import io.controlplane.api.Roles;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.testing.LocalSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings reach the API they configure: the hosts an operator allows job URLs to name. */
class ControlPlaneWiringTest {

    @TempDir
    Path work;

    private static ApiResponse submit(ControlPlane controlPlane, String token, String url) {
        String spec = io.controlplane.domain.JobSpecs.API_EXAMPLE.replace("https://dev.azure.com/contoso", url);
        return controlPlane.api().handle(new ApiRequest("POST", "/api/jobs", Map.of(),
                Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
                spec.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void jobsAllowedPrivateHostsLetsJobsNameThoseHostsOnly() {
        Path keyFile = work.resolve("key.json");
        Map<String, String> values = LocalSettings.onSharedAzurite("wiring", keyFile);
        values.put("JOBS_ALLOWED_PRIVATE_HOSTS", "*.corp.contoso.com");

        try (ControlPlane controlPlane = ControlPlane.builder(values).build()) {
            String token = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE)
                    .token("contoso", "user-1", List.of(Roles.JOBS_SUBMIT), Duration.ofMinutes(5));

            ApiResponse allowed = submit(controlPlane, token, "https://ado.corp.contoso.com/contoso");
            assertThat(allowed.status()).as(new String(allowed.body(), StandardCharsets.UTF_8)).isEqualTo(201);
            ApiResponse refused = submit(controlPlane, token, "https://ado.contoso.local/contoso");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("source.url", "JOBS_ALLOWED_PRIVATE_HOSTS");
        }
    }
}
