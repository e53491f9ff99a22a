package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pause, resume, cancel, checkpoints and release through the API. */
class JobControlApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String agent = api.agentToken("agent-1");
    private final String client = api.clientToken("contoso");

    private static void assertProblem(ApiResponse response, int status, String slug) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
        assertThat(response.bodyText()).contains("\"type\":\"" + ProblemType.URI_PREFIX + slug + "\"");
    }

    private String submit() {
        return api.body(api.call("POST", "/api/jobs", client, ApiFixture.SPEC)).get("id").asText();
    }

    private JsonNode lease() {
        api.call("PUT", "/api/agents/agent-1", agent, "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"]}");
        ApiResponse response = api.call("POST", "/api/agents/agent-1/lease", agent, null);
        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        return api.body(response);
    }

    private String state(String jobId) {
        return api.body(api.call("GET", "/api/jobs/" + jobId, client, null)).get("state").asText();
    }

    @Test
    void checkpointsAreWrittenByTheLeaseHolderAndReadByTheClient() {
        String jobId = submit();
        String leaseId = lease().get("leaseId").asText();

        ApiResponse cursor = api.call("PUT", "/api/leases/" + leaseId + "/checkpoints/work-items", agent,
                "{\"kind\":\"cursor\",\"data\":{\"processor\":\"WorkItemMigration\",\"lastId\":4000}}");
        ApiResponse git = api.call("PUT", "/api/leases/" + leaseId + "/checkpoints/repo-app", agent,
                "{\"kind\":\"git\",\"data\":{\"repo\":\"https://dev.azure.com/contoso/Alpha/_git/app\",\"ref\":\"refs/heads/main\",\"commit\":\"9fceb02d0ae598e95dc970b74767f19372d61af8\"}}");

        assertThat(cursor.status()).as(cursor.bodyText()).isEqualTo(200);
        assertThat(git.status()).as(git.bodyText()).isEqualTo(200);
        JsonNode items = api.body(api.call("GET", "/api/jobs/" + jobId + "/checkpoints", client, null)).get("items");
        assertThat(items).hasSize(2);
        assertThat(items.findValuesAsText("kind")).containsExactlyInAnyOrder("cursor", "git");
        assertThat(items.findValues("epoch")).allSatisfy(e -> assertThat(e.asLong()).isEqualTo(1));
        assertProblem(api.call("GET", "/api/jobs/" + jobId + "/checkpoints", api.clientToken("fabrikam"), null), 404, "not-found");
    }

    @Test
    void badCheckpointsAreAllReported() {
        submit();
        String leaseId = lease().get("leaseId").asText();

        ApiResponse response = api.call("PUT", "/api/leases/" + leaseId + "/checkpoints/bad%20name", agent,
                "{\"kind\":\"git\",\"data\":{\"repo\":\"r\",\"commit\":\"not-a-sha\"}}");

        assertProblem(response, 400, "validation");
        assertThat(api.body(response).get("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("name", "data.ref", "data.commit");
        assertProblem(api.call("PUT", "/api/leases/" + leaseId + "/checkpoints/c", agent,
                "{\"kind\":\"cursor\",\"data\":{\"token\":\"ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\"}}"), 400, "validation");
        assertProblem(api.call("PUT", "/api/leases/forged/checkpoints/c", agent,
                "{\"kind\":\"cursor\",\"data\":{}}"), 409, "lease-lost");
    }

    @Test
    void pauseReleaseResumeAndCancelOfALeasedJob() {
        String jobId = submit();
        String leaseId = lease().get("leaseId").asText();

        assertThat(api.body(api.call("POST", "/api/jobs/" + jobId + "/pause", client, null)).get("state").asText())
                .isEqualTo("Pausing");
        JsonNode beat = api.body(api.call("POST", "/api/agents/agent-1/heartbeat", agent, null));
        assertThat(beat.get("commands").get(0).get("type").asText()).isEqualTo("pause");
        assertProblem(api.call("POST", "/api/jobs/" + jobId + "/resume", client, null), 409, "invalid-state");

        ApiResponse released = api.call("POST", "/api/leases/" + leaseId + "/release", agent, "{\"reason\":\"paused\"}");
        assertThat(api.body(released).get("state").asText()).isEqualTo("Paused");
        assertThat(api.call("POST", "/api/agents/agent-1/lease", agent, null).status()).isEqualTo(204);

        assertThat(api.body(api.call("POST", "/api/jobs/" + jobId + "/resume", client, null)).get("state").asText())
                .isEqualTo("Queued");
        JsonNode second = lease();
        assertThat(second.get("resumed").asBoolean()).isTrue();
        assertThat(api.body(api.call("POST", "/api/jobs/" + jobId + "/cancel", client, null)).get("state").asText())
                .isEqualTo("Cancelled");
        JsonNode stop = api.body(api.call("POST", "/api/agents/agent-1/heartbeat", agent, null)).get("commands").get(0);
        assertThat(stop.get("type").asText()).isEqualTo("cancel");
        assertThat(stop.get("reason").asText()).isEqualTo("cancelled");
        assertProblem(api.call("POST", "/api/leases/" + second.get("leaseId").asText() + "/complete", agent, null), 409, "lease-lost");
        assertThat(state(jobId)).isEqualTo("Cancelled");
    }

    @Test
    void aQueuedJobPausesAtOnceAndReleaseReasonsAreChecked() {
        String jobId = submit();
        assertThat(api.body(api.call("POST", "/api/jobs/" + jobId + "/pause", client, null)).get("state").asText())
                .isEqualTo("Paused");
        assertProblem(api.call("POST", "/api/jobs/" + jobId + "/pause", client, null), 409, "invalid-state");
        assertProblem(api.call("POST", "/api/jobs/" + jobId + "/pause", api.token("contoso", Roles.JOBS_READ), null),
                403, "forbidden");
        api.call("POST", "/api/jobs/" + jobId + "/resume", client, null);
        String leaseId = lease().get("leaseId").asText();
        assertProblem(api.call("POST", "/api/leases/" + leaseId + "/release", agent, "{\"reason\":\"bored\"}"), 400, "validation");
        assertThat(api.body(api.call("POST", "/api/leases/" + leaseId + "/release", agent, "{\"reason\":\"shutdown\"}"))
                .get("state").asText()).isEqualTo("Queued");
    }

    @Test
    void pauseAndResumeRecordTheCallersReasonAndRefuseABadOne() {
        String jobId = submit();
        assertProblem(api.call("POST", "/api/jobs/" + jobId + "/pause", client, "{\"reason\":42}"), 400, "validation");
        assertThat(state(jobId)).as("a refused pause changes nothing").isEqualTo("Queued");
        assertThat(api.call("POST", "/api/jobs/" + jobId + "/pause", client, "{\"reason\":\"change freeze\"}").status()).isEqualTo(200);
        assertThat(api.call("POST", "/api/jobs/" + jobId + "/resume", client, "{\"reason\":\"freeze over\"}").status()).isEqualTo(200);
        List<String> reasons = new ArrayList<>();
        api.body(api.call("GET", "/api/jobs/" + jobId + "/history", client, null)).get("items")
                .forEach(e -> reasons.add(e.get("reason").asText()));
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("paused by ").endsWith(": change freeze"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("resumed by ").endsWith(": freeze over"));
    }
}
