package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.domain.Agent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String agent = api.agentToken("agent-1");
    private final String client = api.clientToken("contoso");

    private static final String REGISTRATION = """
            {"region":"westeurope","pool":"shared","capabilities":["azure-devops","git"],"slots":2}
            """;

    private static void assertProblem(ApiResponse response, int status, String slug) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
        assertThat(response.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(response.bodyText()).contains("\"type\":\"" + ProblemType.URI_PREFIX + slug + "\"");
    }

    private static List<String> fields(JsonNode problem) {
        List<String> fields = new ArrayList<>();
        problem.get("errors").forEach(e -> fields.add(e.get("field").asText()));
        return fields;
    }

    private String submit() {
        return api.body(api.call("POST", "/api/jobs", client, ApiFixture.SPEC)).get("id").asText();
    }

    private JsonNode leaseOk(String token, String agentId) {
        ApiResponse response = api.call("POST", "/api/agents/" + agentId + "/lease?waitSeconds=0", token, null);
        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        return api.body(response);
    }

    @Test
    void anAgentRegistersAndIsShownWithItsSlots() {
        ApiResponse response = api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);

        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        JsonNode view = api.body(response);
        assertThat(view.get("id").asText()).isEqualTo("agent-1");
        assertThat(view.get("capabilities")).hasSize(2);
        assertThat(view.get("slots").asInt()).isEqualTo(2);
        assertThat(view.get("freeSlots").asInt()).isEqualTo(2);
    }

    @Test
    void everyRegistrationProblemIsListed() {
        ApiResponse response = api.call("PUT", "/api/agents/agent-1", agent,
                "{\"region\":\"West Europe\",\"pool\":\"Bad Pool\",\"capabilities\":[\"ok\",\"NOT OK\"],\"slots\":0}");

        assertProblem(response, 400, "validation");
        assertThat(fields(api.body(response))).containsExactlyInAnyOrder("region", "pool", "capabilities[1]", "slots");
        assertProblem(api.call("PUT", "/api/agents/agent-1", agent, "{\"region\":\"eastus\"}"), 400, "validation");
        assertProblem(api.call("PUT", "/api/agents/bad%23id", agent, REGISTRATION), 400, "validation");
    }

    @Test
    void registrationRefusesMoreSlotsThanOneAgentRecordHoldsLeasesFor() {
        String registration = "{\"region\":\"westeurope\",\"slots\":%d}";

        ApiResponse tooMany = api.call("PUT", "/api/agents/agent-1", agent, registration.formatted(Agent.MAX_SLOTS + 1));
        assertProblem(tooMany, 400, "validation");
        assertThat(fields(api.body(tooMany))).containsExactly("slots");
        assertThat(api.body(tooMany).at("/errors/0/message").asText()).contains("1 to " + Agent.MAX_SLOTS);

        ApiResponse most = api.call("PUT", "/api/agents/agent-1", agent, registration.formatted(Agent.MAX_SLOTS));
        assertThat(most.status()).as(most.bodyText()).isEqualTo(200);
        assertThat(api.body(most).get("slots").asInt()).isEqualTo(Agent.MAX_SLOTS);
    }

    @Test
    void anAgentActsOnlyAsItself() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        String impostor = api.agentToken("agent-2");

        assertProblem(api.call("PUT", "/api/agents/agent-1", impostor, REGISTRATION), 403, "forbidden");
        assertProblem(api.call("POST", "/api/agents/agent-1/heartbeat", impostor, null), 403, "forbidden");
        assertProblem(api.call("POST", "/api/agents/agent-1/lease", impostor, null), 403, "forbidden");
        assertProblem(api.call("POST", "/api/agents/agent-1/lease", client, null), 403, "forbidden");
        assertProblem(api.call("POST", "/api/agents/agent-9/heartbeat", agent, null), 404, "not-found");
    }

    @Test
    void aLeaseCarriesTheJobAndNothingWaitingIs204() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        assertThat(api.call("POST", "/api/agents/agent-1/lease?waitSeconds=0", agent, null).status()).isEqualTo(204);
        String jobId = submit();

        JsonNode lease = leaseOk(agent, "agent-1");

        assertThat(lease.get("jobId").asText()).isEqualTo(jobId);
        assertThat(lease.get("epoch").asLong()).isEqualTo(1);
        assertThat(lease.get("leaseId").asText()).isNotBlank();
        assertThat(lease.get("expiresAt").asText()).isNotBlank();
        assertThat(lease.get("spec").get("source").get("url").asText()).isEqualTo("https://dev.azure.com/contoso");
        assertThat(lease.get("checkpoints").isArray()).isTrue();
        assertThat(lease.get("resumed").asBoolean()).isFalse();
        JsonNode job = api.body(api.call("GET", "/api/jobs/" + jobId, client, null));
        assertThat(job.get("state").asText()).isEqualTo("Assigned");
        assertThat(job.get("agentId").asText()).isEqualTo("agent-1");
    }

    @Test
    void waitSecondsIsBounded() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        assertProblem(api.call("POST", "/api/agents/agent-1/lease?waitSeconds=31", agent, null), 400, "validation");
        assertProblem(api.call("POST", "/api/agents/agent-1/lease?waitSeconds=soon", agent, null), 400, "validation");
    }

    @Test
    void aHeartbeatsWaitIsBoundedToo() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        assertProblem(api.call("POST", "/api/agents/agent-1/heartbeat?waitSeconds=31", agent, null), 400, "validation");
        assertProblem(api.call("POST", "/api/agents/agent-1/heartbeat?waitSeconds=-1", agent, null), 400, "validation");
        assertProblem(api.call("POST", "/api/agents/agent-1/heartbeat?waitSeconds=soon", agent, null), 400, "validation");
    }

    @Test
    void aWaitingHeartbeatIsAnsweredWithTheCancelAsTheJobIsCancelled() throws Exception {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        String jobId = submit();
        String leaseId = leaseOk(agent, "agent-1").get("leaseId").asText();
        String body = "{\"leases\":[{\"leaseId\":\"" + leaseId + "\"}]}";

        java.util.concurrent.CompletableFuture<ApiResponse> waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> api.call("POST", "/api/agents/agent-1/heartbeat?waitSeconds=20", agent, body));
        Thread.sleep(300);
        assertThat(waiting).as("nothing to stop: the heartbeat waits").isNotDone();
        api.call("POST", "/api/jobs/" + jobId + "/cancel", client, "{\"reason\":\"not needed\"}");

        JsonNode beat = api.body(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(beat.get("commands")).singleElement().satisfies(c -> {
            assertThat(c.get("type").asText()).isEqualTo("cancel");
            assertThat(c.get("leaseId").asText()).isEqualTo(leaseId);
            assertThat(c.get("reason").asText()).isEqualTo("cancelled");
        });
    }

    @Test
    void progressCompleteAndTheJobViewAgree() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        String jobId = submit();
        String leaseId = leaseOk(agent, "agent-1").get("leaseId").asText();

        ApiResponse progress = api.call("POST", "/api/leases/" + leaseId + "/progress", agent,
                "{\"percent\":42.5,\"counters\":{\"workItems\":1200,\"revisions\":5400},\"message\":\"stage 2 of 3\"}");
        assertThat(progress.status()).as(progress.bodyText()).isEqualTo(200);
        JsonNode view = api.body(api.call("GET", "/api/jobs/" + jobId, client, null));
        assertThat(view.get("state").asText()).isEqualTo("Running");
        assertThat(view.get("progress").get("percent").asDouble()).isEqualTo(42.5);
        assertThat(view.get("progress").get("counters").get("workItems").asLong()).isEqualTo(1200);
        assertThat(view.get("progress").get("message").asText()).isEqualTo("stage 2 of 3");

        ApiResponse done = api.call("POST", "/api/leases/" + leaseId + "/complete", agent, null);
        assertThat(done.status()).isEqualTo(200);
        assertThat(api.body(done).get("state").asText()).isEqualTo("Completed");
        assertThat(api.body(api.call("GET", "/api/jobs/" + jobId, client, null)).get("state").asText()).isEqualTo("Completed");

        assertProblem(api.call("POST", "/api/leases/" + leaseId + "/progress", agent, "{\"percent\":50}"), 409, "lease-lost");
        assertProblem(api.call("POST", "/api/leases/" + leaseId + "/complete", agent, null), 409, "lease-lost");
        assertProblem(api.call("POST", "/api/leases/forged-lease/complete", agent, null), 409, "lease-lost");
    }

    @Test
    void badProgressIsAllReported() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        submit();
        String leaseId = leaseOk(agent, "agent-1").get("leaseId").asText();

        ApiResponse response = api.call("POST", "/api/leases/" + leaseId + "/progress", agent,
                "{\"percent\":101,\"counters\":{\"items\":-1},\"message\":7}");

        assertProblem(response, 400, "validation");
        assertThat(fields(api.body(response))).containsExactlyInAnyOrder("percent", "counters.items", "message");
    }

    @Test
    void aRetryableFailureRequeuesAndSecretsInTheErrorAreRedacted() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        String jobId = submit();
        String leaseId = leaseOk(agent, "agent-1").get("leaseId").asText();

        ApiResponse failed = api.call("POST", "/api/leases/" + leaseId + "/fail", agent,
                "{\"error\":\"401 with token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\",\"retryable\":true}");

        assertThat(failed.status()).as(failed.bodyText()).isEqualTo(200);
        assertThat(api.body(failed).get("state").asText()).isEqualTo("Queued");
        assertThat(api.store.find("contoso", jobId).orElseThrow().lastError()).doesNotContain("ghp_").contains("redacted");
        assertProblem(api.call("POST", "/api/leases/" + leaseId + "/fail", agent, "{\"retryable\":true}"), 400, "validation");
    }

    @Test
    void heartbeatsAnswerACommandPerLease() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        submit();
        String leaseId = leaseOk(agent, "agent-1").get("leaseId").asText();

        JsonNode beat = api.body(api.call("POST", "/api/agents/agent-1/heartbeat", agent, null));

        assertThat(beat.get("commands")).singleElement().satisfies(c -> {
            assertThat(c.get("type").asText()).isEqualTo("continue");
            assertThat(c.get("leaseId").asText()).isEqualTo(leaseId);
            assertThat(c.get("deadline").asText()).isNotBlank();
        });
        assertThat(beat.get("heartbeatIntervalSeconds").asLong()).isPositive();
    }

    @Test
    void aHeartbeatListingItsLeasesExtendsOnlyThoseAndOneWithoutAListExtendsThemAll() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        submit();
        String leaseId = leaseOk(agent, "agent-1").get("leaseId").asText();

        JsonNode named = api.body(api.call("POST", "/api/agents/agent-1/heartbeat", agent,
                "{\"leases\":[{\"leaseId\":\"" + leaseId + "\",\"epoch\":1}]}"));
        JsonNode none = api.body(api.call("POST", "/api/agents/agent-1/heartbeat", agent, "{\"leases\":[]}"));
        JsonNode noBody = api.body(api.call("POST", "/api/agents/agent-1/heartbeat", agent, null));

        assertThat(named.get("commands")).singleElement().satisfies(c -> assertThat(c.get("type").asText()).isEqualTo("continue"));
        assertThat(none.get("commands")).as("a lease the agent no longer names is not extended").isEmpty();
        assertThat(noBody.get("commands")).singleElement().satisfies(c -> assertThat(c.get("leaseId").asText()).isEqualTo(leaseId));
    }

    @Test
    void aLeaseTheAgentStillBelievesItHoldsButLostIsAnsweredWithCancel() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        submit();
        String leaseId = leaseOk(agent, "agent-1").get("leaseId").asText();
        api.call("POST", "/api/leases/" + leaseId + "/complete", agent, null);

        JsonNode beat = api.body(api.call("POST", "/api/agents/agent-1/heartbeat", agent,
                "{\"leases\":[{\"leaseId\":\"" + leaseId + "\",\"epoch\":1}]}"));

        assertThat(beat.get("commands")).singleElement().satisfies(c -> {
            assertThat(c.get("type").asText()).isEqualTo("cancel");
            assertThat(c.get("leaseId").asText()).isEqualTo(leaseId);
            assertThat(c.get("reason").asText()).isEqualTo("lease-lost");
        });
    }

    @Test
    void operatorsSeeAgentsAndQueuesDrainAgentsAndSetEntitlements() {
        String admin = api.adminToken();
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        submit();

        JsonNode agents = api.body(api.call("GET", "/api/admin/agents", admin, null));
        assertThat(agents.get("items")).singleElement().satisfies(a -> assertThat(a.get("healthy").asBoolean()).isTrue());

        JsonNode queues = api.body(api.call("GET", "/api/admin/queues", admin, null));
        assertThat(queues.get("items")).anySatisfy(q -> {
            assertThat(q.get("region").asText()).isEqualTo("westeurope");
            assertThat(q.get("tier").asText()).isEqualTo("Premium");
            assertThat(q.get("depth").asLong()).isEqualTo(1);
        });

        assertThat(api.body(api.call("POST", "/api/admin/agents/agent-1/drain", admin, null)).get("draining").asBoolean()).isTrue();
        assertThat(api.call("POST", "/api/agents/agent-1/lease?waitSeconds=0", agent, null).status()).isEqualTo(204);

        ApiResponse entitled = api.call("PUT", "/api/admin/tenants/contoso", admin,
                "{\"tier\":\"Platinum\",\"regions\":[\"westeurope\"],\"dedicatedPool\":\"contoso-platinum\",\"maxConcurrentJobs\":20}");
        assertThat(entitled.status()).as(entitled.bodyText()).isEqualTo(200);
        assertThat(api.body(entitled).get("weight").asInt()).as("no weight given: 1").isEqualTo(1);
        assertProblem(api.call("PUT", "/api/admin/tenants/contoso", admin, "{\"tier\":\"Gold\",\"maxConcurrentJobs\":0}"),
                400, "validation");
        ApiResponse weighted = api.call("PUT", "/api/admin/tenants/contoso", admin, "{\"tier\":\"Premium\",\"weight\":3}");
        assertThat(api.body(weighted).get("weight").asInt()).isEqualTo(3);
        assertThat(api.body(api.call("GET", "/api/admin/tenants/contoso", admin, null)).get("weight").asInt()).isEqualTo(3);
        ApiResponse tooHeavy = api.call("PUT", "/api/admin/tenants/contoso", admin, "{\"tier\":\"Premium\",\"weight\":0}");
        assertProblem(tooHeavy, 400, "validation");
        assertThat(api.body(tooHeavy).get("errors").get(0).get("field").asText()).isEqualTo("weight");

        assertProblem(api.call("GET", "/api/admin/agents", client, null), 403, "forbidden");
        assertProblem(api.call("GET", "/api/admin/queues", agent, null), 403, "forbidden");
    }
}
