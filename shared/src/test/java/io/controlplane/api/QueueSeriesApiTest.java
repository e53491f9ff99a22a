package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.config.DispatchSettings;
import io.controlplane.telemetry.TelemetryRecorder;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/admin/queues}: each queue with its series of the last hour. */
class QueueSeriesApiTest {

    private final TelemetryRecorder recorder = new TelemetryRecorder();
    private final ApiFixture api = new ApiFixture(recorder.telemetry(Clock.systemUTC()), DispatchSettings.defaults());

    @AfterEach
    void close() {
        recorder.close();
    }

    @Test
    void everyQueueHasItsSeriesWithTheDepthJustRead() {
        String client = api.clientToken("contoso");
        assertThat(api.call("POST", "/api/jobs", client, ApiFixture.SPEC).status()).isEqualTo(201);

        ApiResponse response = api.call("GET", "/api/admin/queues", api.adminToken(), null);

        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        JsonNode items = api.body(response).get("items");
        assertThat(items).hasSize(6).allSatisfy(q -> assertThat(q.get("series")).hasSize(1));
        assertThat(items).anySatisfy(q -> {
            assertThat(q.get("region").asText()).isEqualTo("westeurope");
            assertThat(q.get("tier").asText()).isEqualTo("Premium");
            JsonNode sample = q.get("series").get(0);
            assertThat(sample.get("depth").asLong()).isEqualTo(1);
            assertThat(sample.get("oldestAgeSeconds").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(Instant.parse(sample.get("at").asText())).isBeforeOrEqualTo(Instant.now());
        });
        // Read again within the minute: no second sample.
        JsonNode again = api.body(api.call("GET", "/api/admin/queues", api.adminToken(), null)).get("items");
        assertThat(again).allSatisfy(q -> assertThat(q.get("series")).hasSize(1));
    }
}
