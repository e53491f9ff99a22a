package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import io.controlplane.adapters.memory.InMemoryJobStore;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HttpApiTest {

    private final ApiFixture api = new ApiFixture();
    private final String contoso = api.clientToken("contoso");

    private JsonNode submit(String token) {
        ApiResponse response = api.call("POST", "/api/jobs", token, ApiFixture.SPEC);
        assertThat(response.status()).as(response.bodyText()).isEqualTo(201);
        return api.body(response);
    }

    private static void assertProblem(ApiResponse response, int status, String slug) {
        assertThat(response.status()).as(response.bodyText()).isEqualTo(status);
        assertThat(response.headers()).containsEntry("Content-Type", "application/problem+json");
        assertThat(response.bodyText()).contains("\"type\":\"" + ProblemType.URI_PREFIX + slug + "\"");
        assertThat(response.bodyText()).contains("\"status\":" + status);
    }

    @Nested
    class Submit {

        @Test
        void aValidSpecIsStoredQueuedAndLocated() {
            ApiResponse response = api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC);

            assertThat(response.status()).isEqualTo(201);
            JsonNode job = api.body(response);
            assertThat(response.headers()).containsEntry("Location", "/api/jobs/" + job.get("id").asText());
            assertThat(job.get("state").asText()).isEqualTo("Queued");
            assertThat(job.get("tenantId").asText()).isEqualTo("contoso");
            assertThat(job.get("tier").asText()).isEqualTo("Premium");
            assertThat(job.get("region").asText()).isEqualTo("westeurope");
            assertThat(job.get("kind").asText()).isEqualTo("Migrate");
            assertThat(job.get("attempt").asInt()).isZero();
            assertThat(job.get("progress").get("percent").asDouble()).isZero();
            assertThat(Instant.parse(job.get("createdAt").asText())).isNotNull();
            assertThat(job.get("spec").get("source").get("credentialRef").asText())
                    .isEqualTo("https://kv-contoso.vault.azure.net/secrets/src-pat");
            assertThat(api.store.find("contoso", job.get("id").asText())).isPresent();
        }

        @Test
        void everyProblemOfAnInvalidSpecIsListedAtOnce() throws Exception {
            ObjectNode spec = (ObjectNode) api.json.readTree(ApiFixture.SPEC);
            spec.put("tier", "Gold");
            spec.remove("name");
            ((ObjectNode) spec.get("source")).put("url", "ftp://example.com");
            ((ObjectNode) spec.get("policy")).put("maxRetries", "three");

            ApiResponse response = api.call("POST", "/api/jobs", contoso, spec.toString());

            assertProblem(response, 400, "validation");
            List<String> fields = new ArrayList<>();
            api.body(response).get("errors").forEach(e -> fields.add(e.get("field").asText()));
            assertThat(fields).containsExactlyInAnyOrder("tier", "name", "source.url", "policy.maxRetries");
            assertThat(api.store.list("contoso", io.controlplane.ports.JobFilter.none(), 10, null).items()).isEmpty();
        }

        @Test
        void aRetryWithTheSameIdempotencyKeyAndBodyReturnsTheSameJob() throws Exception {
            Map<String, String> key = Map.of("Idempotency-Key", "3f1c2a9e-retry-1");
            ApiResponse first = api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC, key);
            // Same spec, other spacing and key order: the same request.
            String reordered = api.json.writeValueAsString(api.json.readTree(ApiFixture.SPEC));
            ApiResponse retry = api.call("POST", "/api/jobs", contoso, reordered, key);

            assertThat(first.status()).isEqualTo(201);
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.headers()).containsEntry("Idempotent-Replayed", "true");
            assertThat(api.body(retry).get("id")).isEqualTo(api.body(first).get("id"));
            assertThat(api.store.list("contoso", io.controlplane.ports.JobFilter.none(), 10, null).items()).hasSize(1);
        }

        @Test
        void theSameIdempotencyKeyWithAnotherBodyIsAConflictThatCreatesNothing() throws Exception {
            Map<String, String> key = Map.of("Idempotency-Key", "order-42");
            String firstId = api.body(api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC, key)).get("id").asText();
            ObjectNode other = (ObjectNode) api.json.readTree(ApiFixture.SPEC);
            other.put("tier", "Standard");

            ApiResponse response = api.call("POST", "/api/jobs", contoso, other.toString(), key);

            assertProblem(response, 409, "idempotency-key-reused");
            assertThat(api.body(response).get("detail").asText()).contains(firstId);
            assertThat(api.store.list("contoso", io.controlplane.ports.JobFilter.none(), 10, null).items()).hasSize(1);
            assertThat(api.call("POST", "/api/jobs", api.clientToken("fabrikam"), other.toString(), key).status())
                    .as("keys are per tenant").isEqualTo(201);
            assertProblem(api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC, Map.of("Idempotency-Key", "bad key/1")),
                    400, "validation");
        }

        @Test
        void malformedJsonIsAProblemNotACrash() {
            ApiResponse response = api.call("POST", "/api/jobs", contoso, "{\"name\": \"x\",");
            assertProblem(response, 400, "malformed-json");
        }

        @Test
        void duplicateKeysAreRefused() {
            ApiResponse response = api.call("POST", "/api/jobs", contoso, "{\"tier\":\"Standard\",\"tier\":\"Platinum\"}");
            assertProblem(response, 400, "malformed-json");
        }

        @Test
        void anEmptyBodyIsAValidationProblem() {
            assertProblem(api.call("POST", "/api/jobs", contoso, ""), 400, "validation");
        }

        @Test
        void aNonJsonMediaTypeIsRefused() {
            ApiResponse response = api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC, Map.of("Content-Type", "text/plain"));
            assertProblem(response, 415, "unsupported-media-type");
        }

        @Test
        void aContentTypeOfOnlyParametersIsRefusedNotAnError() {
            // Found by the fuzz suite: ";".split(";") is empty, so reading the media type threw (500).
            for (String type : List.of(";", ";;", " ; ", ";charset=utf-8")) {
                ApiResponse response = api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC, Map.of("Content-Type", type));
                assertProblem(response, 415, "unsupported-media-type");
            }
        }

        @Test
        void aStringHoldingHalfASurrogatePairIsRefused() throws Exception {
            // Found by the fuzz suite: a mapping id "\\ud800" was a 500 on Table Storage (no URL can hold the key).
            String leaseId = leaseAJob();
            ApiResponse mapping = api.call("POST", "/api/leases/" + leaseId + "/mappings", api.agentToken("agent-1"),
                    "{\"items\":[{\"type\":\"WorkItem\",\"sourceId\":\"\\ud800\",\"targetId\":\"101\"}]}");
            assertProblem(mapping, 400, "malformed-json");
            assertThat(api.body(mapping).get("errors").get(0).get("field").asText()).isEqualTo("items[0].sourceId");
            ObjectNode spec = (ObjectNode) api.json.readTree(ApiFixture.SPEC);
            assertProblem(api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC.replace("\"Alpha\"", "\"Alpha\\udc00\"")), 400,
                    "malformed-json");
            spec.put("name", "Alpha \ud83d\ude42"); // a whole pair is text
            assertThat(api.call("POST", "/api/jobs", contoso, spec.toString()).status()).isEqualTo(201);
        }

        private String leaseAJob() {
            String agent = api.agentToken("agent-1");
            api.call("PUT", "/api/agents/agent-1", agent, "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"]}");
            submit(contoso);
            return api.body(api.call("POST", "/api/agents/agent-1/lease?waitSeconds=0", agent, null)).get("leaseId").asText();
        }

        @Test
        void aBodyOverTheRequestLimitIsRefusedWith413() {
            String huge = "{\"name\":\"" + "x".repeat(70 * 1024) + "\"}";
            assertProblem(api.call("POST", "/api/jobs", contoso, huge), 413, "payload-too-large");
        }

        @Test
        void aSpecTooLargeToStoreIsRefusedWith413() throws Exception {
            ObjectNode spec = (ObjectNode) api.json.readTree(ApiFixture.SPEC);
            ((ObjectNode) spec.get("config")).put("blob", "y".repeat(20 * 1024));
            assertProblem(api.call("POST", "/api/jobs", contoso, spec.toString()), 413, "payload-too-large");
        }
    }

    @Nested
    class Read {

        @Test
        void aJobIsReadByItsTenant() {
            String id = submit(contoso).get("id").asText();

            ApiResponse response = api.call("GET", "/api/jobs/" + id, api.token("contoso", Roles.JOBS_READ), null);

            assertThat(response.status()).isEqualTo(200);
            assertThat(api.body(response).get("id").asText()).isEqualTo(id);
        }

        @Test
        void anotherTenantsJobLooksExactlyLikeAMissingOne() {
            String id = submit(contoso).get("id").asText();
            String fabrikam = api.clientToken("fabrikam");

            ApiResponse foreign = api.call("GET", "/api/jobs/" + id, fabrikam, null);
            ApiResponse missing = api.call("GET", "/api/jobs/01jzzzzzzzzzzzzzzzzzzzzzzz", fabrikam, null);

            assertProblem(foreign, 404, "not-found");
            assertProblem(missing, 404, "not-found");
            assertThat(api.body(foreign).get("title")).isEqualTo(api.body(missing).get("title"));
            assertProblem(api.call("GET", "/api/jobs/" + id + "/history", fabrikam, null), 404, "not-found");
            assertProblem(api.call("POST", "/api/jobs/" + id + "/cancel", fabrikam, null), 404, "not-found");
            assertThat(api.body(api.call("GET", "/api/jobs", fabrikam, null)).get("items")).isEmpty();
        }

        @Test
        void keyUnsafeIdsAreNotFound() {
            assertProblem(api.call("GET", "/api/jobs/a%23b", contoso, null), 404, "not-found");
            assertProblem(api.call("GET", "/api/jobs/%2E%2E%2Fother", contoso, null), 404, "not-found");
            assertProblem(api.call("GET", "/api/jobs/%ZZ", contoso, null), 404, "route-not-found");
        }

        @Test
        void listingPagesAndFilters() {
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                ids.add(submit(contoso).get("id").asText());
            }
            JsonNode first = api.body(api.call("GET", "/api/jobs?limit=2", contoso, null));
            assertThat(first.get("items")).hasSize(2);
            String token = first.get("continuationToken").asText();

            JsonNode second = api.body(api.call("GET", "/api/jobs?limit=10&continuationToken=" + token, contoso, null));
            assertThat(second.get("items")).hasSize(3);
            assertThat(second.get("continuationToken").isNull()).isTrue();

            Set<String> listed = new HashSet<>();
            first.get("items").forEach(j -> listed.add(j.get("id").asText()));
            second.get("items").forEach(j -> listed.add(j.get("id").asText()));
            assertThat(listed).isEqualTo(ids);

            assertThat(api.body(api.call("GET", "/api/jobs?state=Queued&tier=Premium&region=westeurope", contoso, null))
                    .get("items")).hasSize(5);
            assertThat(api.body(api.call("GET", "/api/jobs?tier=Platinum", contoso, null)).get("items")).isEmpty();
        }

        @Test
        void badListParametersAreAllReported() {
            ApiResponse response = api.call("GET", "/api/jobs?limit=501&state=Sleeping&tier=Gold&region=West%20Europe", contoso, null);

            assertProblem(response, 400, "validation");
            List<String> fields = new ArrayList<>();
            api.body(response).get("errors").forEach(e -> fields.add(e.get("field").asText()));
            assertThat(fields).containsExactlyInAnyOrder("limit", "state", "tier", "region");
            assertProblem(api.call("GET", "/api/jobs?limit=0", contoso, null), 400, "validation");
            assertProblem(api.call("GET", "/api/jobs?limit=abc", contoso, null), 400, "validation");
        }

        @Test
        void aForgedContinuationTokenIsA400() {
            assertProblem(api.call("GET", "/api/jobs?continuationToken=forged", contoso, null), 400, "invalid-continuation-token");
        }

        @Test
        void historyRecordsSubmissionAndCancellation() {
            String id = submit(contoso).get("id").asText();
            api.call("POST", "/api/jobs/" + id + "/cancel", contoso, "{\"reason\":\"wrong project\"}");

            JsonNode items = api.body(api.call("GET", "/api/jobs/" + id + "/history", contoso, null)).get("items");

            assertThat(items).hasSize(2);
            assertThat(items.get(0).get("to").asText()).isEqualTo("Queued");
            assertThat(items.get(0).get("from").isNull()).isTrue();
            assertThat(items.get(1).get("from").asText()).isEqualTo("Queued");
            assertThat(items.get(1).get("to").asText()).isEqualTo("Cancelled");
            assertThat(items.get(1).get("reason").asText()).isEqualTo("wrong project");
            assertThat(items.get(1).get("actor").asText()).isEqualTo("user-of-contoso");
            assertThat(items.get(1).has("at")).isTrue();
        }
    }

    @Nested
    class Cancel {

        @Test
        void aQueuedJobIsCancelled() {
            String id = submit(contoso).get("id").asText();

            ApiResponse response = api.call("POST", "/api/jobs/" + id + "/cancel", contoso, null);

            assertThat(response.status()).isEqualTo(200);
            assertThat(api.body(response).get("state").asText()).isEqualTo("Cancelled");
            assertThat(api.store.find("contoso", id).orElseThrow().state()).isEqualTo(JobState.Cancelled);
        }

        @Test
        void cancellingAFinishedJobIsAConflictThatNamesTheState() {
            String id = submit(contoso).get("id").asText();
            api.call("POST", "/api/jobs/" + id + "/cancel", contoso, null);

            ApiResponse again = api.call("POST", "/api/jobs/" + id + "/cancel", contoso, null);

            assertProblem(again, 409, "invalid-state");
            assertThat(api.body(again).get("detail").asText()).contains("Cancelled");
            assertThat(api.store.history("contoso", id)).hasSize(2);
        }

        @Test
        void aConcurrentChangeMakesTheLoserConflictAndWritesNothing() {
            InMemoryJobStore memory = new InMemoryJobStore();
            JobStore racing = racingStore(memory);
            ApiFixture raced = new ApiFixture(racing, 64 * 1024, 16 * 1024);
            String token = raced.clientToken("contoso");
            String id = raced.body(raced.call("POST", "/api/jobs", token, ApiFixture.SPEC)).get("id").asText();

            ApiResponse response = raced.call("POST", "/api/jobs/" + id + "/cancel", token, null);

            assertProblem(response, 409, "concurrency-conflict");
            assertThat(memory.find("contoso", id).orElseThrow().state()).isEqualTo(JobState.Paused);
            assertThat(memory.history("contoso", id)).extracting(HistoryEntry::to)
                    .containsExactly(JobState.Queued, JobState.Paused);
        }

        @Test
        void aCancelReasonCarryingASecretOrControlCharactersIsRefused() {
            String id = submit(contoso).get("id").asText();

            assertProblem(api.call("POST", "/api/jobs/" + id + "/cancel", contoso,
                    "{\"reason\":\"use ghp_abcdefghijklmnopqrstuvwxyz0123456789AB instead\"}"), 400, "validation");
            assertProblem(api.call("POST", "/api/jobs/" + id + "/cancel", contoso, "{\"reason\":\"a\\u0000b\"}"), 400, "validation");
            assertProblem(api.call("POST", "/api/jobs/" + id + "/cancel", contoso, "[]"), 400, "validation");
            assertThat(api.store.find("contoso", id).orElseThrow().state()).isEqualTo(JobState.Queued);
        }

        @Test
        void cancelNeedsTheManageRole() {
            String id = submit(contoso).get("id").asText();
            ApiResponse response = api.call("POST", "/api/jobs/" + id + "/cancel", api.token("contoso", Roles.JOBS_READ), null);
            assertProblem(response, 403, "forbidden");
            assertThat(api.store.find("contoso", id).orElseThrow().state()).isEqualTo(JobState.Queued);
        }
    }

    /** Pauses the job "from another instance" between the use case's read and its write. */
    private static JobStore racingStore(JobStore inner) {
        return (JobStore) java.lang.reflect.Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
                (proxy, method, args) -> {
                    if (method.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    Object result;
                    try {
                        result = method.invoke(inner, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("find")) {
                        ((java.util.Optional<?>) result).map(Job.class::cast).ifPresent(job -> {
                            Job.Transition paused = job.transition(JobState.Paused, Instant.now(), "operator", "other-instance");
                            inner.update(paused.job(), List.of(paused.entry()));
                        });
                    }
                    return result;
                });
    }

    @Nested
    class Authentication {

        @Test
        void noTokenIs401WithAChallenge() {
            ApiResponse response = api.call("GET", "/api/jobs", null, null);
            assertProblem(response, 401, "unauthenticated");
            assertThat(response.headers()).containsKey("WWW-Authenticate");
        }

        @Test
        void aTokenFromAnotherKeyIs401() {
            DevIssuer impostor = DevIssuer.generate(DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
            String forged = impostor.token("contoso", "mallory", List.of(Roles.JOBS_READ), java.time.Duration.ofMinutes(5));
            assertProblem(api.call("GET", "/api/jobs", forged, null), 401, "unauthenticated");
        }

        @Test
        void expiredWrongAudienceWrongIssuerAndMissingTenantAre401() {
            Date past = Date.from(Instant.now().minusSeconds(3600));
            Date future = Date.from(Instant.now().plusSeconds(600));
            JWTClaimsSet.Builder base = new JWTClaimsSet.Builder().issuer(DevIssuer.DEFAULT_ISSUER)
                    .audience(DevIssuer.DEFAULT_AUDIENCE).subject("u").claim("tid", "contoso").claim("azp", DevIssuer.CLIENT_ID)
                    .claim("roles", List.of(Roles.JOBS_READ)).expirationTime(future);
            List<String> refused = List.of(
                    api.issuer.sign(new JWTClaimsSet.Builder(base.build()).expirationTime(past).build()),
                    api.issuer.sign(new JWTClaimsSet.Builder(base.build()).audience("api://other").build()),
                    api.issuer.sign(new JWTClaimsSet.Builder(base.build()).issuer("https://evil.example").build()),
                    api.issuer.sign(new JWTClaimsSet.Builder(base.build()).claim("tid", null).build()),
                    api.issuer.sign(new JWTClaimsSet.Builder(base.build()).claim("tid", "a/b").build()),
                    "not.a.jwt",
                    unsigned(base.build()));
            for (String token : refused) {
                ApiResponse response = api.call("GET", "/api/jobs", token, null);
                assertProblem(response, 401, "unauthenticated");
                // Which check failed, never what this deployment trusts.
                assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
                        .doesNotContain(DevIssuer.DEFAULT_ISSUER).doesNotContain(DevIssuer.DEFAULT_AUDIENCE)
                        .doesNotContain("evil.example").doesNotContain("api://other");
            }
            assertThat(api.call("GET", "/api/jobs", api.issuer.sign(base.build()), null).status()).isEqualTo(200);
        }

        @Test
        void anIdTokenIsNoAccessToken() {
            JWTClaimsSet access = new JWTClaimsSet.Builder().issuer(DevIssuer.DEFAULT_ISSUER).audience(DevIssuer.DEFAULT_AUDIENCE)
                    .subject("u").claim("tid", "contoso").claim("azp", DevIssuer.CLIENT_ID)
                    .claim("roles", List.of(Roles.JOBS_READ)).expirationTime(Date.from(Instant.now().plusSeconds(600))).build();

            assertThat(api.call("GET", "/api/jobs", api.issuer.sign(access), null).status()).isEqualTo(200);
            for (JWTClaimsSet id : List.of(new JWTClaimsSet.Builder(access).claim("nonce", "abc123").build(),
                    new JWTClaimsSet.Builder(access).claim("azp", null).build())) {
                ApiResponse response = api.call("GET", "/api/jobs", api.issuer.sign(id), null);
                assertProblem(response, 401, "unauthenticated");
                assertThat(api.body(response).get("detail").asText()).contains("ID token");
            }
        }

        @Test
        void anUpperCaseTidIsTheSameTenantEverywhere() {
            String upper = api.token("CONTOSO", Roles.JOBS_SUBMIT, Roles.JOBS_READ);
            ApiResponse submitted = api.call("POST", "/api/jobs", upper, ApiFixture.SPEC);
            assertThat(submitted.status()).isEqualTo(201);
            String id = api.body(submitted).get("id").asText();

            assertThat(api.body(submitted).get("tenantId").asText()).isEqualTo("contoso");
            assertThat(api.call("GET", "/api/jobs/" + id, api.token("contoso", Roles.JOBS_READ), null).status()).isEqualTo(200);
            assertThat(api.call("GET", "/api/jobs/" + id, api.token("Contoso", Roles.JOBS_READ), null).status()).isEqualTo(200);
        }

        private String unsigned(JWTClaimsSet claims) {
            return new com.nimbusds.jwt.PlainJWT(claims).serialize();
        }

        @Test
        void anIssuerOutageIs503WithRetryAfterNot401() {
            HttpApi unavailable = HttpApi.create(new HttpApi.Dependencies(api.app, null, token -> {
                throw new io.controlplane.api.auth.IssuerUnavailableException("The token issuer's signing keys could not"
                        + " be fetched; retry shortly.", java.time.Duration.ofMillis(4_200));
            }, Map.of(), api.json, 1024, java.time.Clock.systemUTC()));

            ApiResponse response = unavailable.handle(new ApiRequest("GET", "/api/jobs", null,
                    Map.of("Authorization", "Bearer " + contoso), null));

            assertProblem(response, 503, "auth-unavailable");
            assertThat(response.headers()).containsEntry("Retry-After", "5").doesNotContainKey("WWW-Authenticate");
            assertThat(response.bodyText()).contains("retry shortly");
        }

        @Test
        void aMissingRoleIs403() {
            ApiResponse response = api.call("POST", "/api/jobs", api.token("contoso", Roles.JOBS_READ), ApiFixture.SPEC);
            assertProblem(response, 403, "forbidden");
        }
    }

    @Nested
    class Transport {

        @Test
        void everyResponseCarriesARequestIdAndSecurityHeaders() {
            for (ApiResponse response : List.of(
                    api.call("GET", "/api/health", null, null),
                    api.call("GET", "/api/jobs", null, null),
                    api.call("POST", "/api/jobs", contoso, ApiFixture.SPEC),
                    api.call("GET", "/api/nowhere", contoso, null))) {
                assertThat(response.headers().get("x-request-id")).matches("[0-9a-f]{32}");
                assertThat(response.headers()).containsEntry("X-Content-Type-Options", "nosniff")
                        .containsEntry("Cache-Control", "no-store");
            }
        }

        @Test
        void theRequestIdFollowsTheCallersIdOrTraceparent() {
            ApiResponse given = api.call("GET", "/api/health", null, null, Map.of("x-request-id", "req-42"));
            ApiResponse traced = api.call("GET", "/api/health", null, null,
                    Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));

            assertThat(given.headers()).containsEntry("x-request-id", "req-42");
            assertThat(traced.headers()).containsEntry("x-request-id", "4bf92f3577b34da6a3ce929d0e0e4736");
        }

        @Test
        void unknownRoutesAndMethodsAreProblems() {
            assertProblem(api.call("GET", "/api/nowhere", contoso, null), 404, "route-not-found");
            ApiResponse wrongMethod = api.call("DELETE", "/api/jobs", contoso, null);
            assertProblem(wrongMethod, 405, "method-not-allowed");
            assertThat(wrongMethod.headers().get("Allow")).isEqualTo("GET, POST");
        }

        @Test
        void healthNeedsNoTokenAndReadinessReflectsStorage() {
            assertThat(api.call("GET", "/api/health", null, null).status()).isEqualTo(200);
            assertThat(api.call("GET", "/api/health/ready", null, null).status()).isEqualTo(200);

            api.readiness.put("tableStorage", () -> {
                throw new IllegalStateException("connection refused");
            });

            assertProblem(api.call("GET", "/api/health/ready", null, null), 503, "not-ready");
        }

        @Test
        void anUnexpectedFailureIsA500ProblemThatLeaksNothing() {
            JobStore broken = failingStore();
            ApiFixture failing = new ApiFixture(broken, 64 * 1024, 16 * 1024);

            ApiResponse response = failing.call("GET", "/api/jobs", failing.clientToken("contoso"), null);

            assertProblem(response, 500, "internal");
            assertThat(response.bodyText()).doesNotContain("secret-internal-detail");
        }
    }

    private static JobStore failingStore() {
        return (JobStore) java.lang.reflect.Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
                (proxy, method, args) -> {
                    throw new IllegalStateException("secret-internal-detail");
                });
    }
}
