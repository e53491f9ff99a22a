package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.domain.Job;
import io.controlplane.domain.Progress;
import io.controlplane.domain.ProgressHistory;
import io.controlplane.domain.ProgressSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code progress.eta} in the job views: present with an estimate, absent without. */
class JobEtaApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String agent = api.agentToken("agent-1");
    private final String client = api.clientToken("contoso");

    private String submit() {
        return api.body(api.call("POST", "/api/jobs", client, ApiFixture.SPEC)).get("id").asText();
    }

    private String lease() {
        assertThat(api.call("PUT", "/api/agents/agent-1", agent,
                "{\"region\":\"westeurope\",\"pool\":\"shared\",\"capabilities\":[\"azure-devops\",\"git\"],\"slots\":2}").status())
                .isEqualTo(200);
        ApiResponse response = api.call("POST", "/api/agents/agent-1/lease?waitSeconds=0", agent, null);
        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        return api.body(response).get("leaseId").asText();
    }

    private JsonNode view(String jobId) {
        ApiResponse response = api.call("GET", "/api/jobs/" + jobId, client, null);
        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        return api.body(response);
    }

    @Test
    void aRunningJobWithEnoughProgressShowsWhenItShouldFinishInItsViewAndTheList() {
        String jobId = submit();
        String leaseId = lease();
        assertThat(api.call("POST", "/api/leases/" + leaseId + "/progress", agent, "{\"percent\":1}").status()).isEqualTo(200);
        assertThat(view(jobId).get("progress").has("eta")).as("one report: no estimate").isFalse();

        // The agent reported 2 % a minute for the last five minutes (written as its reports would have been).
        Job job = api.store.find("contoso", jobId).orElseThrow();
        Instant start = Instant.now().minus(Duration.ofMinutes(5));
        ProgressHistory history = ProgressHistory.empty();
        for (int i = 0; i <= 10; i++) {
            history = history.with(new ProgressSample(start.plusSeconds(30L * i), i, job.epoch()));
        }
        Progress p = job.progress();
        api.store.update(job.withProgress(new Progress(10, p.counters(), p.message(), history.last().at(), history), job.updatedAt()),
                List.of());

        JsonNode eta = view(jobId).get("progress").get("eta");
        assertThat(eta.get("basis").asText()).isEqualTo("progress-rate");
        Instant at = Instant.parse(eta.get("at").asText());
        assertThat(Duration.between(history.last().at(), at)).isEqualTo(Duration.ofMinutes(45)); // 90 % left at 2 % a minute
        assertThat(Instant.parse(eta.get("low").asText())).isBefore(at);
        assertThat(Instant.parse(eta.get("high").asText())).isAfter(at);

        JsonNode listed = api.body(api.call("GET", "/api/jobs", client, null)).get("items").get(0);
        assertThat(listed.get("progress").get("eta")).isEqualTo(eta);
    }

    @Test
    void aQueuedJobWithoutAKnownStartRateHasNoEstimate() {
        String jobId = submit();
        JsonNode view = view(jobId);
        assertThat(view.get("state").asText()).isEqualTo("Queued");
        assertThat(view.get("progress").has("eta")).isFalse();
    }
}
