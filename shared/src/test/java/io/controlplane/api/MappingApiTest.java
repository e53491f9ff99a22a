package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MappingApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String agent = api.agentToken("agent-1");
    private final String client = api.clientToken("contoso");

    private static final String REGISTRATION = """
            {"region":"westeurope","pool":"shared","capabilities":["azure-devops","git"],"slots":2}
            """;
    private static final String TWO = """
            {"items":[{"type":"workItem","sourceId":"1","targetId":"101"},{"type":"workItem","sourceId":"2","targetId":"102"}]}
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

    private JsonNode ok(ApiResponse response) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        return api.body(response);
    }

    private static List<String> pairs(JsonNode page) {
        List<String> pairs = new ArrayList<>();
        page.get("items").forEach(m -> pairs.add(m.get("type").asText() + ":" + m.get("sourceId").asText() + "->"
                + m.get("targetId").asText()));
        return pairs;
    }

    private String jobId;

    /** A job of contoso, leased to agent-1: its lease id. */
    private String lease() {
        api.call("PUT", "/api/agents/agent-1", agent, REGISTRATION);
        jobId = api.body(api.call("POST", "/api/jobs", client, ApiFixture.SPEC)).get("id").asText();
        return ok(api.call("POST", "/api/agents/agent-1/lease?waitSeconds=0", agent, null)).get("leaseId").asText();
    }

    @Test
    void anAgentRecordsMappingsIdempotentlyAndLooksThemUpEitherWay() {
        String lease = lease();
        String mappings = "/api/leases/" + lease + "/mappings";

        JsonNode first = ok(api.call("POST", mappings, agent, TWO));
        JsonNode again = ok(api.call("POST", mappings, agent, TWO));

        assertThat(first.get("recorded").asInt()).isEqualTo(2);
        assertThat(first.get("alreadyPresent").asInt()).isZero();
        assertThat(again.get("recorded").asInt()).isZero();
        assertThat(again.get("alreadyPresent").asInt()).isEqualTo(2);
        assertThat(pairs(ok(api.call("GET", mappings + "?type=workItem&sourceId=1", agent, null)))).containsExactly("workItem:1->101");
        assertThat(pairs(ok(api.call("GET", mappings + "?type=workItem&targetId=102", agent, null)))).containsExactly("workItem:2->102");
        assertThat(pairs(ok(api.call("GET", mappings + "?type=workItem&sourceId=9", agent, null)))).isEmpty();
    }

    @Test
    void aClientPagesThroughItsJobsMappings() {
        String lease = lease();
        api.call("POST", "/api/leases/" + lease + "/mappings", agent, TWO);

        JsonNode firstPage = ok(api.call("GET", "/api/jobs/" + jobId + "/mappings?limit=1", client, null));
        String token = firstPage.get("continuationToken").asText();
        JsonNode secondPage = ok(api.call("GET", "/api/jobs/" + jobId + "/mappings?limit=1&continuationToken=" + token, client, null));

        assertThat(pairs(firstPage)).containsExactly("workItem:1->101");
        assertThat(pairs(secondPage)).containsExactly("workItem:2->102");
        assertThat(secondPage.get("continuationToken").isNull()).isTrue();
        assertThat(pairs(ok(api.call("GET", "/api/jobs/" + jobId + "/mappings?type=workItem&targetId=101",
                api.token("contoso", Roles.JOBS_READ), null)))).containsExactly("workItem:1->101");
        assertProblem(api.call("GET", "/api/jobs/" + jobId + "/mappings?continuationToken=forged", client, null),
                400, "invalid-continuation-token");
    }

    @Test
    void aConflictIs409NamingThePairAndRecordsNothingOfTheRequest() {
        String mappings = "/api/leases/" + lease() + "/mappings";
        ok(api.call("POST", mappings, agent, "{\"items\":[{\"type\":\"workItem\",\"sourceId\":\"1\",\"targetId\":\"101\"}]}"));

        ApiResponse conflict = api.call("POST", mappings, agent, """
                {"items":[{"type":"workItem","sourceId":"2","targetId":"102"},{"type":"workItem","sourceId":"1","targetId":"999"}]}
                """);

        assertProblem(conflict, 409, "mapping-conflict");
        assertThat(api.body(conflict).get("detail").asText()).contains("'1'", "'999'", "'101'");
        assertThat(pairs(ok(api.call("GET", mappings, agent, null)))).containsExactly("workItem:1->101");
        assertProblem(api.call("POST", mappings, agent, """
                {"items":[{"type":"workItem","sourceId":"3","targetId":"103"},{"type":"workItem","sourceId":"4","targetId":"103"}]}
                """), 409, "mapping-conflict");
    }

    @Test
    void everyProblemOfTheBodyIsListed() {
        String mappings = "/api/leases/" + lease() + "/mappings";

        ApiResponse response = api.call("POST", mappings, agent, """
                {"items":[{"type":"work item","sourceId":7,"targetId":""},"x",{"type":"workItem","sourceId":"a|b","targetId":"ok"}]}
                """);

        assertProblem(response, 400, "validation");
        assertThat(fields(api.body(response))).containsExactly("items[0].type", "items[0].sourceId", "items[0].targetId",
                "items[1]", "items[2].sourceId");
        assertThat(fields(api.body(api.call("POST", mappings, agent, "{}")))).containsExactly("items");
        assertThat(fields(api.body(api.call("POST", mappings, agent, "{\"items\":[]}")))).containsExactly("items");
        assertThat(pairs(ok(api.call("GET", mappings, agent, null)))).isEmpty();
    }

    @Test
    void aThousandItemsFitInOneRequestAndOneMoreDoesNot() {
        String mappings = "/api/leases/" + lease() + "/mappings";
        String thousand = IntStream.range(0, 1000)
                .mapToObj(i -> "{\"type\":\"workItem\",\"sourceId\":\"" + i + "\",\"targetId\":\"" + (5000 + i) + "\"}")
                .collect(Collectors.joining(",", "{\"items\":[", "]}"));

        assertThat(ok(api.call("POST", mappings, agent, thousand)).get("recorded").asInt()).isEqualTo(1000);
        assertThat(pairs(ok(api.call("GET", mappings + "?type=workItem&targetId=5999", agent, null)))).containsExactly("workItem:999->5999");
        assertThat(ok(api.call("GET", mappings + "?limit=500", agent, null)).get("items")).hasSize(500);
        String tooMany = thousand.replace("]}", ",{\"type\":\"workItem\",\"sourceId\":\"x\",\"targetId\":\"y\"}]}");
        assertThat(fields(api.body(api.call("POST", mappings, agent, tooMany)))).containsExactly("items");
    }

    @Test
    void queryProblemsAreListed() {
        String mappings = "/api/leases/" + lease() + "/mappings";

        ApiResponse response = api.call("GET", mappings + "?sourceId=1&limit=abc", agent, null);

        assertProblem(response, 400, "validation");
        assertThat(fields(api.body(response))).containsExactly("type", "limit");
        assertThat(fields(api.body(api.call("GET", "/api/jobs/" + jobId + "/mappings?type=a%7Cb&limit=501", client, null))))
                .containsExactly("type", "limit");
    }

    @Test
    void aLostLeaseNeitherRecordsNorReads() {
        String lease = lease();
        ok(api.call("POST", "/api/leases/" + lease + "/complete", agent, null));

        assertProblem(api.call("POST", "/api/leases/" + lease + "/mappings", agent, TWO), 409, "lease-lost");
        assertProblem(api.call("GET", "/api/leases/" + lease + "/mappings", agent, null), 409, "lease-lost");
        assertThat(pairs(ok(api.call("GET", "/api/jobs/" + jobId + "/mappings", client, null)))).isEmpty();
    }

    @Test
    void rolesAndTenantsAreEnforced() {
        String lease = lease();
        api.call("POST", "/api/leases/" + lease + "/mappings", agent, TWO);

        assertProblem(api.call("POST", "/api/leases/" + lease + "/mappings", client, TWO), 403, "forbidden");
        assertProblem(api.call("GET", "/api/jobs/" + jobId + "/mappings", agent, null), 403, "forbidden");
        assertProblem(api.call("GET", "/api/jobs/" + jobId + "/mappings", api.token("contoso", Roles.JOBS_SUBMIT), null),
                403, "forbidden");
        assertProblem(api.call("GET", "/api/jobs/" + jobId + "/mappings", api.clientToken("fabrikam"), null), 404, "not-found");
        assertProblem(api.call("GET", "/api/jobs/bad%23id/mappings", client, null), 404, "not-found");
        assertProblem(api.call("POST", "/api/leases/" + lease + "/mappings", api.agentToken("agent-2"), TWO), 409, "lease-lost");
    }
}
