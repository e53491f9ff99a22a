package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Over HTTP: an agent reports an organisation's HTTP 429; the heartbeat answer tells it to back
 * off, a queued job's view says why it waits, the operators' queue list names the organisation;
 * and a tenant's own organisation limits.
 */
class ThrottleApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String agent = api.agentToken("agent-1");
    private final String client = api.clientToken("contoso");
    private final String admin = api.adminToken();

    private static void assertProblem(ApiResponse response, int status, String slug) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
        assertThat(response.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(response.bodyText()).contains("\"type\":\"" + ProblemType.URI_PREFIX + slug + "\"");
    }

    private List<String> fields(ApiResponse problem) {
        List<String> fields = new ArrayList<>();
        api.body(problem).get("errors").forEach(e -> fields.add(e.get("field").asText()));
        return fields;
    }

    private String submit() {
        return api.body(api.call("POST", "/api/jobs", client, ApiFixture.SPEC)).get("id").asText();
    }

    private JsonNode leased() {
        assertThat(api.call("PUT", "/api/agents/agent-1", agent, "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"],\"slots\":1}")
                .status()).isEqualTo(200);
        submit();
        ApiResponse lease = api.call("POST", "/api/agents/agent-1/lease?waitSeconds=0", agent, null);
        assertThat(lease.status()).as(lease.bodyText()).isEqualTo(200);
        return api.body(lease);
    }

    @Test
    void aReportedThrottleReachesTheHeartbeatTheQueuedJobsViewAndTheQueueList() {
        String leaseId = leased().get("leaseId").asText();
        String queued = submit();

        ApiResponse report = api.call("POST", "/api/leases/" + leaseId + "/throttle", agent,
                "{\"organisation\":\"dev.azure.com:contoso\",\"retryAfterSeconds\":60,\"remaining\":0}");
        assertThat(report.status()).as(report.bodyText()).isEqualTo(200);
        assertThat(api.body(report).get("organisation").asText()).isEqualTo("dev.azure.com:contoso");
        assertThat(api.body(report).get("allowedJobs").asInt()).isZero();
        String until = api.body(report).get("until").asText();

        JsonNode beat = api.body(api.call("POST", "/api/agents/agent-1/heartbeat", agent, "{\"leases\":[{\"leaseId\":\"" + leaseId + "\"}]}"));
        JsonNode command = beat.get("commands").get(0);
        assertThat(command.get("type").asText()).isEqualTo("continue");
        assertThat(command.at("/backOff/organisation").asText()).isEqualTo("dev.azure.com:contoso");
        assertThat(command.at("/backOff/until").asText()).isEqualTo(until);
        assertThat(command.at("/backOff/retryAfterSeconds").asLong()).isBetween(1L, 60L);

        JsonNode view = api.body(api.call("GET", "/api/jobs/" + queued, client, null));
        assertThat(view.at("/waitingFor/reason").asText()).isEqualTo("organisation-throttled");
        assertThat(view.at("/waitingFor/organisation").asText()).isEqualTo("dev.azure.com:contoso");
        assertThat(view.at("/waitingFor/until").asText()).isEqualTo(until);
        assertThat(view.at("/waitingFor/message").asText()).contains("dev.azure.com:contoso");

        JsonNode queues = api.body(api.call("GET", "/api/admin/queues", admin, null));
        assertThat(queues.get("throttledOrganisations")).singleElement().satisfies(t -> {
            assertThat(t.get("organisation").asText()).isEqualTo("dev.azure.com:contoso");
            assertThat(t.get("until").asText()).isEqualTo(until);
            assertThat(t.get("remaining").asInt()).isZero();
        });
        JsonNode running = api.body(api.call("GET", "/api/jobs/" + api.body(api.call("GET", "/api/jobs", client, null))
                .at("/items").findValuesAsText("id").stream().filter(id -> !id.equals(queued)).findFirst().orElseThrow(), client, null));
        assertThat(running.has("waitingFor")).as("a job that is not queued says nothing of waiting").isFalse();
    }

    @Test
    void everyProblemOfAReportIsListedAndNothingIsStored() {
        String leaseId = leased().get("leaseId").asText();

        ApiResponse bad = api.call("POST", "/api/leases/" + leaseId + "/throttle", agent,
                "{\"organisation\":\"Not A Key!\",\"retryAfterSeconds\":-1,\"remaining\":\"lots\"}");
        assertProblem(bad, 400, "validation");
        assertThat(fields(bad)).containsExactlyInAnyOrder("organisation", "retryAfterSeconds", "remaining");
        ApiResponse missing = api.call("POST", "/api/leases/" + leaseId + "/throttle", agent, "{}");
        assertThat(fields(missing)).containsExactlyInAnyOrder("organisation", "retryAfterSeconds");
        ApiResponse untouched = api.call("POST", "/api/leases/" + leaseId + "/throttle", agent,
                "{\"organisation\":\"github.com:someone-else\",\"retryAfterSeconds\":3600}");
        assertProblem(untouched, 400, "validation");
        assertThat(api.body(untouched).at("/errors/0/message").asText()).contains("dev.azure.com:contoso", "dev.azure.com:fabrikam");
        assertProblem(api.call("POST", "/api/leases/" + leaseId + "/throttle", agent,
                "{\"organisation\":\"dev.azure.com:contoso\",\"retryAfterSeconds\":86401}"), 400, "validation");
        assertProblem(api.call("POST", "/api/leases/forged/throttle", agent,
                "{\"organisation\":\"dev.azure.com:contoso\",\"retryAfterSeconds\":60}"), 409, "lease-lost");

        assertThat(api.tenants.throttles()).isEmpty();
        assertThat(api.body(api.call("GET", "/api/admin/queues", admin, null)).get("throttledOrganisations")).isEmpty();
    }

    @Test
    void aTenantSetsReadsListsAndLiftsItsOwnLimitsBesideTheOperators() {
        api.call("PUT", "/api/admin/organisations/dev.azure.com:contoso", admin, "{\"maxConcurrentJobs\":4}");
        String manager = api.token("contoso", Roles.JOBS_MANAGE);

        ApiResponse set = api.call("PUT", "/api/organisations/dev.azure.com:contoso", manager, "{\"maxConcurrentJobs\":2}");
        assertThat(set.status()).as(set.bodyText()).isEqualTo(200);
        assertThat(api.body(set).get("maxConcurrentJobs").asInt()).isEqualTo(2);
        assertThat(api.body(set).get("operatorLimit").asInt()).isEqualTo(4);

        JsonNode other = api.body(api.call("GET", "/api/organisations/dev.azure.com:contoso", api.clientToken("fabrikam"), null));
        assertThat(other.get("maxConcurrentJobs").isNull()).as("another tenant's view").isTrue();
        assertThat(api.body(api.call("GET", "/api/organisations", client, null)).get("items")).singleElement()
                .satisfies(i -> assertThat(i.get("key").asText()).isEqualTo("dev.azure.com:contoso"));

        ApiResponse bad = api.call("PUT", "/api/organisations/Not%20A%20Key", manager, "{\"maxConcurrentJobs\":0}");
        assertProblem(bad, 400, "validation");
        assertThat(fields(bad)).containsExactly("key", "maxConcurrentJobs");
        assertProblem(api.call("PUT", "/api/organisations/dev.azure.com:contoso", api.token("contoso", Roles.JOBS_READ),
                "{\"maxConcurrentJobs\":1}"), 403, "forbidden");

        assertThat(api.call("DELETE", "/api/organisations/dev.azure.com:contoso", manager, null).status()).isEqualTo(204);
        assertProblem(api.call("DELETE", "/api/organisations/dev.azure.com:contoso", manager, null), 404, "not-found");
        assertThat(api.body(api.call("GET", "/api/admin/organisations/dev.azure.com:contoso", admin, null))
                .get("maxConcurrentJobs").asInt()).as("the operator's limit stays").isEqualTo(4);
    }
}
