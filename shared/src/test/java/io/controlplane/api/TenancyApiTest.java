package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.config.TenancySettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Entitlements, job erase and tenant export/erase over the API. */
class TenancyApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String admin = api.adminToken();
    private final String contoso = api.clientToken("contoso");

    private static void assertProblem(ApiResponse response, int status, String slug) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
        assertThat(response.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(response.bodyText()).contains(ProblemType.URI_PREFIX + slug);
    }

    private void entitle(String tenant, String tier, String regions, int max) {
        ApiResponse r = api.call("PUT", "/api/admin/tenants/" + tenant, admin,
                "{\"tier\":\"" + tier + "\",\"regions\":" + regions + ",\"maxConcurrentJobs\":" + max
                        + ",\"keyVaults\":[\"kv-contoso\"]}");
        assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
    }

    private String spec(String tier, String region) {
        return ApiFixture.SPEC.replace("\"tier\": \"Premium\"", "\"tier\": \"" + tier + "\"")
                .replace("\"region\": \"westeurope\"", "\"region\": \"" + region + "\"");
    }

    private int stored(String tenant) {
        return api.body(api.call("GET", "/api/jobs?limit=500", api.clientToken(tenant), null)).get("items").size();
    }

    @Nested
    class Entitlements {

        @Test
        void theSpecMatchesTheTemplateTheseTestsEdit() {
            assertThat(ApiFixture.SPEC).contains("\"tier\": \"Premium\"").contains("\"region\": \"westeurope\"");
        }

        @Test
        void aTierAboveTheTenantsIsRefusedWithBothNamedAndNothingStored() {
            entitle("contoso", "Premium", "[\"westeurope\",\"northeurope\"]", 10);

            ApiResponse response = api.call("POST", "/api/jobs", contoso, spec("Platinum", "westeurope"));

            assertProblem(response, 403, "not-entitled");
            assertThat(api.body(response).get("detail").asText()).contains("Platinum").contains("Premium");
            assertThat(stored("contoso")).isZero();
            assertThat(api.call("POST", "/api/jobs", contoso, spec("Standard", "westeurope")).status()).isEqualTo(201);
        }

        @Test
        void aRegionOutsideTheTenantsIsRefused() {
            entitle("contoso", "Platinum", "[\"westeurope\"]", 10);

            ApiResponse response = api.call("POST", "/api/jobs", contoso, spec("Premium", "northeurope"));

            assertProblem(response, 403, "not-entitled");
            assertThat(api.body(response).get("detail").asText()).contains("northeurope").contains("westeurope");
            assertThat(stored("contoso")).isZero();
        }

        @Test
        void theQuotaOfUnfinishedJobsHoldsUnderConcurrentSubmissions() throws Exception {
            entitle("contoso", "Platinum", "[\"westeurope\"]", 5);
            int clients = 20;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<ApiResponse>> answers = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            try {
                for (int i = 0; i < clients; i++) {
                    answers.add(pool.submit(() -> {
                        start.await();
                        return api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC);
                    }));
                }
                start.countDown();
                int created = 0;
                for (Future<ApiResponse> answer : answers) {
                    ApiResponse r = answer.get();
                    if (r.status() == 201) {
                        created++;
                    } else {
                        assertProblem(r, 429, "quota-exceeded");
                        assertThat(r.headers()).containsEntry("Retry-After", "60");
                    }
                }
                assertThat(created).isEqualTo(5);
            } finally {
                pool.shutdownNow();
            }
            assertThat(stored("contoso")).isEqualTo(5);
            String first = api.body(api.call("GET", "/api/jobs", contoso, null)).get("items").get(0).get("id").asText();
            api.call("POST", "/api/jobs/" + first + "/cancel", contoso, null);
            assertThat(api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC).status()).as("a cancelled job frees its slot")
                    .isEqualTo(201);
        }

        @Test
        void withEntitlementsRequiredATenantWithoutOneMayNotSubmit() {
            ApiFixture strict = new ApiFixture(TenancySettings.from(Map.of(TenancySettings.REQUIRE_ENTITLEMENT, "true")));

            ApiResponse response = strict.call("POST", "/api/jobs", strict.clientToken("fabrikam"), ApiFixture.SPEC);

            assertProblem(response, 403, "not-entitled");
            assertThat(api.body(response).get("detail").asText()).contains("PUT /api/admin/tenants/fabrikam");
        }

        @Test
        void theEntitlementCanBeReadBack() {
            entitle("contoso", "Premium", "[\"westeurope\"]", 7);

            JsonNode read = api.body(api.call("GET", "/api/admin/tenants/contoso", admin, null));

            assertThat(read.get("tier").asText()).isEqualTo("Premium");
            assertThat(read.get("maxConcurrentJobs").asInt()).isEqualTo(7);
            assertProblem(api.call("GET", "/api/admin/tenants/unknown-tenant", admin, null), 404, "not-found");
            assertProblem(api.call("GET", "/api/admin/tenants/a%7Cb", admin, null), 400, "validation");
        }
    }

    @Nested
    class JobErase {

        private String submit(String token) {
            return api.body(api.call("POST", "/api/jobs", token, ApiFixture.SPEC)).get("id").asText();
        }

        @Test
        void aFinishedJobIsErasedAndThenNotFound() {
            String id = submit(contoso);
            api.call("POST", "/api/jobs/" + id + "/cancel", contoso, null);

            ApiResponse erased = api.call("DELETE", "/api/jobs/" + id, contoso, null);

            assertThat(erased.status()).isEqualTo(204);
            assertThat(erased.body()).isEmpty();
            assertProblem(api.call("GET", "/api/jobs/" + id, contoso, null), 404, "not-found");
            assertProblem(api.call("DELETE", "/api/jobs/" + id, contoso, null), 404, "not-found");
        }

        @Test
        void anUnfinishedJobIsNotErased() {
            String id = submit(contoso);

            ApiResponse refused = api.call("DELETE", "/api/jobs/" + id, contoso, null);

            assertProblem(refused, 409, "invalid-state");
            assertThat(api.body(refused).get("detail").asText()).contains("Queued").contains("cancel it first");
            assertThat(api.call("GET", "/api/jobs/" + id, contoso, null).status()).isEqualTo(200);
        }

        @Test
        void anotherTenantsJobIsNotFoundAndStays() {
            String id = submit(contoso);
            api.call("POST", "/api/jobs/" + id + "/cancel", contoso, null);

            assertProblem(api.call("DELETE", "/api/jobs/" + id, api.clientToken("fabrikam"), null), 404, "not-found");
            assertThat(api.call("GET", "/api/jobs/" + id, contoso, null).status()).isEqualTo(200);
        }
    }

    @Nested
    class TenantExportAndErase {

        @Test
        void theExportHasTheTenantsJobsWithSpecAndHistoryAndNoOtherTenants() {
            entitle("contoso", "Platinum", "[\"westeurope\"]", 10);
            String id = api.body(api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC, Map.of("Idempotency-Key", "k-1")))
                    .get("id").asText();
            String theirs = api.body(api.call("POST", "/api/jobs", api.clientToken("globex"), ApiFixture.SPEC)).get("id").asText();

            ApiResponse response = api.call("GET", "/api/admin/tenants/contoso/export", admin, null);

            assertThat(response.status()).isEqualTo(200);
            JsonNode export = api.body(response);
            assertThat(export.get("tenantId").asText()).isEqualTo("contoso");
            assertThat(export.get("entitlement").get("maxConcurrentJobs").asInt()).isEqualTo(10);
            assertThat(export.get("jobs")).hasSize(1);
            JsonNode job = export.get("jobs").get(0);
            assertThat(job.get("job").get("id").asText()).isEqualTo(id);
            assertThat(job.get("spec").get("source").get("credentialRef").asText()).startsWith("https://kv-contoso.vault.azure.net/");
            assertThat(job.get("history").get(0).get("to").asText()).isEqualTo("Queued");
            assertThat(export.get("idempotencyKeys").get(0).get("key").asText()).isEqualTo("k-1");
            assertThat(response.bodyText()).doesNotContain("globex").doesNotContain(theirs);
        }

        @Test
        void exportAndEraseNeedTheAdminRoleEvenForTheTenantsOwnData() {
            api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC);
            String everyClientRole = contoso;

            assertProblem(api.call("GET", "/api/admin/tenants/contoso/export", everyClientRole, null), 403, "forbidden");
            assertProblem(api.call("DELETE", "/api/admin/tenants/contoso", everyClientRole, null), 403, "forbidden");
            assertThat(stored("contoso")).isEqualTo(1);
        }

        @Test
        void anErasedTenantHasNothingLeftAndOthersKeepTheirs() {
            entitle("contoso", "Platinum", "[\"westeurope\"]", 10);
            api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC);
            api.call("POST", "/api/jobs", api.clientToken("fabrikam"), ApiFixture.SPEC);

            ApiResponse erased = api.call("DELETE", "/api/admin/tenants/contoso", admin, null);

            assertThat(erased.status()).isEqualTo(204);
            assertThat(stored("contoso")).isZero();
            assertThat(stored("fabrikam")).isEqualTo(1);
            assertProblem(api.call("GET", "/api/admin/tenants/contoso", admin, null), 404, "not-found");
            JsonNode export = api.body(api.call("GET", "/api/admin/tenants/contoso/export", admin, null));
            assertThat(export.get("jobs")).isEmpty();
            assertThat(export.get("entitlement").isNull()).isTrue();
        }
    }
}
