package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The operators' routes for organisations' limits on concurrent jobs. */
class OrganisationLimitApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String admin = api.adminToken();

    private static void assertProblem(ApiResponse response, int status, String slug) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
        assertThat(response.headers().get("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.bodyText()).contains("urn:controlplane:problem:" + slug);
    }

    @Test
    void aLimitIsSetShownListedAndLifted() {
        ApiResponse set = api.call("PUT", "/api/admin/organisations/dev.azure.com:contoso", admin, "{\"maxConcurrentJobs\":4}");
        assertThat(set.status()).as(set.bodyText()).isEqualTo(200);
        assertThat(api.body(set).get("key").asText()).isEqualTo("dev.azure.com:contoso");
        assertThat(api.body(set).get("maxConcurrentJobs").asInt()).isEqualTo(4);
        api.call("PUT", "/api/admin/organisations/github.com:fabrikam", admin, "{\"maxConcurrentJobs\":1}");

        assertThat(api.body(api.call("GET", "/api/admin/organisations/dev.azure.com:contoso", admin, null))
                .get("maxConcurrentJobs").asInt()).isEqualTo(4);
        JsonNode all = api.body(api.call("GET", "/api/admin/organisations", admin, null));
        assertThat(all.get("items")).extracting(i -> i.get("key").asText()).containsExactly("dev.azure.com:contoso", "github.com:fabrikam");

        assertThat(api.call("DELETE", "/api/admin/organisations/dev.azure.com:contoso", admin, null).status()).isEqualTo(204);
        assertProblem(api.call("GET", "/api/admin/organisations/dev.azure.com:contoso", admin, null), 404, "not-found");
        assertProblem(api.call("DELETE", "/api/admin/organisations/dev.azure.com:contoso", admin, null), 404, "not-found");
    }

    @Test
    void aBadKeyAndABadBodyAreEachNamed() {
        ApiResponse bad = api.call("PUT", "/api/admin/organisations/not%20a%20key", admin, "{\"maxConcurrentJobs\":0}");
        assertProblem(bad, 400, "validation");
        assertThat(api.body(bad).get("errors")).extracting(e -> e.get("field").asText()).containsExactly("key", "maxConcurrentJobs");
        assertProblem(api.call("PUT", "/api/admin/organisations/dev.azure.com:contoso", admin, "{}"), 400, "validation");
        assertProblem(api.call("GET", "/api/admin/organisations/UPPER:case!", admin, null), 400, "validation");
    }

    @Test
    void onlyOperatorsMaySetThem() {
        assertProblem(api.call("PUT", "/api/admin/organisations/dev.azure.com:contoso", api.clientToken("contoso"),
                "{\"maxConcurrentJobs\":4}"), 403, "forbidden");
        assertProblem(api.call("GET", "/api/admin/organisations", api.clientToken("contoso"), null), 403, "forbidden");
    }
}
