package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/jobs?dryRun=true}: the validation and entitlement checks of a submission, answered
 * exactly as a submission would be, with nothing stored.
 */
class DryRunApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String contoso = api.clientToken("contoso");

    @Test
    void aValidSpecAnswers200AndNothingIsStoredOrPublished() {
        Map<String, Object> before = api.storedState();

        ApiResponse response = api.call("POST", "/api/jobs?dryRun=true", contoso, ApiFixture.SPEC,
                Map.of("Idempotency-Key", "dry-1"));

        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        assertThat(response.headers()).doesNotContainKey("Location");
        assertThat(api.body(response).get("valid").asBoolean()).isTrue();
        assertThat(api.storedState()).isEqualTo(before);
        // The key was not used up: a real submission with it creates the job.
        ApiResponse real = api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC, Map.of("Idempotency-Key", "dry-1"));
        assertThat(real.status()).as(real.bodyText()).isEqualTo(201);
        assertThat(real.headers()).doesNotContainKey("Idempotent-Replayed");
        assertThat(api.storedState()).isNotEqualTo(before);
    }

    @Test
    void dryRunFalseSubmitsAsUsual() {
        ApiResponse response = api.call("POST", "/api/jobs?dryRun=false", contoso, ApiFixture.SPEC);

        assertThat(response.status()).as(response.bodyText()).isEqualTo(201);
    }

    @Test
    void anInvalidSpecGetsTheSameProblemAsASubmission() {
        String invalid = "{\"tier\":\"Gold\",\"region\":\"eastus\"}";
        Map<String, Object> before = api.storedState();

        ApiResponse dry = api.call("POST", "/api/jobs?dryRun=true", contoso, invalid);
        ApiResponse real = api.call("POST", "/api/jobs", contoso, invalid);

        assertThat(dry.status()).isEqualTo(400);
        JsonNode dryProblem = api.body(dry);
        JsonNode realProblem = api.body(real);
        assertThat(dryProblem.get("type")).isEqualTo(realProblem.get("type"));
        assertThat(dryProblem.get("detail")).isEqualTo(realProblem.get("detail"));
        assertThat(dryProblem.get("errors")).isEqualTo(realProblem.get("errors"));
        assertThat(dryProblem.get("errors").size()).isGreaterThan(2);
        assertThat(api.storedState()).isEqualTo(before);
    }

    @Test
    void anEntitlementProblemIsAnsweredAsASubmissionWouldBe() {
        ApiResponse entitle = api.call("PUT", "/api/admin/tenants/contoso", api.adminToken(),
                "{\"tier\":\"Standard\",\"regions\":[\"westeurope\"],\"maxConcurrentJobs\":5}");
        assertThat(entitle.status()).as(entitle.bodyText()).isEqualTo(200);
        Map<String, Object> before = api.storedState();

        ApiResponse dry = api.call("POST", "/api/jobs?dryRun=true", contoso, ApiFixture.SPEC);
        ApiResponse real = api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC);

        assertThat(dry.status()).as(dry.bodyText()).isEqualTo(403);
        assertThat(api.body(dry).get("type")).isEqualTo(api.body(real).get("type"));
        assertThat(api.body(dry).get("detail")).isEqualTo(api.body(real).get("detail"));
        assertThat(api.body(dry).get("type").asText()).isEqualTo(ProblemType.URI_PREFIX + "not-entitled");
        assertThat(api.storedState()).isEqualTo(before);
    }

    @Test
    void aTenantAtItsQuotaIsToldSoByTheDryRunAsBySubmission() {
        ApiResponse entitle = api.call("PUT", "/api/admin/tenants/contoso", api.adminToken(),
                "{\"tier\":\"Premium\",\"regions\":[\"westeurope\"],\"keyVaults\":[\"kv-contoso\"],\"maxConcurrentJobs\":1}");
        assertThat(entitle.status()).as(entitle.bodyText()).isEqualTo(200);
        assertThat(api.call("POST", "/api/jobs?dryRun=true", contoso, ApiFixture.SPEC).status()).as("a free slot").isEqualTo(200);
        assertThat(api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC).status()).isEqualTo(201);
        Map<String, Object> before = api.storedState();

        ApiResponse dry = api.call("POST", "/api/jobs?dryRun=true", contoso, ApiFixture.SPEC);
        ApiResponse real = api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC);

        assertThat(dry.status()).as(dry.bodyText()).isEqualTo(real.status());
        assertThat(api.body(dry).get("type").asText()).isEqualTo(ProblemType.URI_PREFIX + "quota-exceeded");
        assertThat(api.body(dry).get("detail")).isEqualTo(api.body(real).get("detail"));
        assertThat(api.storedState()).isEqualTo(before);
    }

    @Test
    void aBadDryRunValueIsAValidationProblemNamingTheParameter() {
        Map<String, Object> before = api.storedState();

        ApiResponse response = api.call("POST", "/api/jobs?dryRun=yes", contoso, ApiFixture.SPEC);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("Content-Type", "application/problem+json");
        JsonNode problem = api.body(response);
        assertThat(problem.get("type").asText()).isEqualTo(ProblemType.URI_PREFIX + "validation");
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("dryRun");
        assertThat(api.storedState()).isEqualTo(before);
    }

    @Test
    void aSubmitterRoleIsStillRequired() {
        ApiResponse response = api.call("POST", "/api/jobs?dryRun=true", api.token("contoso", "Jobs.Read"), ApiFixture.SPEC);

        assertThat(response.status()).isEqualTo(403);
    }
}
