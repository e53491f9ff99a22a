package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.ApiRequest;
import io.controlplane.api.ApiResponse;
import io.controlplane.api.Roles;
import io.controlplane.api.auth.DevIssuer;
import java.time.Duration;
import io.controlplane.testing.LocalSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request-derived value in the request's log line is sanitised: a method, like a path, could
 * otherwise forge keys or whole lines (a Functions or reverse-proxy front end passes methods on).
 */
class RequestLogLineTest {

    @TempDir
    Path work;

    @Test
    void aForgedMethodCannotAddKeysOrLinesToTheRequestLog() throws Exception {
        try (StandaloneHost host = StandaloneHost.start(LocalSettings.onSharedAzurite("logline", work.resolve("key.json")));
             LogOutput output = LogOutput.attach()) {
            ApiResponse response = host.controlPlane().api().handle(new ApiRequest("GET\nevent=forged tenant=victim x=\"y",
                    "/api/health", Map.of(), Map.of(), new byte[0]));

            assertThat(response.status()).isEqualTo(405);
            String line = output.text().lines().filter(l -> l.contains("event=request ")).reduce((a, b) -> b).orElseThrow();
            assertThat(line).contains("method=GET?EVENT?FORGED?TENANT?VICTIM?X??Y path=/api/health status=405");
            assertThat(output.text().lines().filter(l -> l.contains("event=forged"))).isEmpty();
        }
    }

    @Test
    void theActingUsersSubjectIsNotLoggedWhenTheyEraseData() throws Exception {
        Path keyFile = work.resolve("key.json");
        try (StandaloneHost host = StandaloneHost.start(LocalSettings.onSharedAzurite("logsub", keyFile));
             LogOutput output = LogOutput.attach()) {
            DevIssuer issuer = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
            String subject = "3f1e0c52-user-object-id-of-a-person";
            String admin = issuer.token("operators", subject, List.of(Roles.ADMIN), Duration.ofMinutes(5));

            ApiResponse erased = host.controlPlane().api().handle(new ApiRequest("DELETE", "/api/admin/tenants/contoso",
                    Map.of(), Map.of("Authorization", "Bearer " + admin), new byte[0]));

            assertThat(erased.status()).isEqualTo(204);
            assertThat(output.text()).contains("event=tenant_erased tenant=contoso by=operator").doesNotContain(subject);
        }
    }
}
