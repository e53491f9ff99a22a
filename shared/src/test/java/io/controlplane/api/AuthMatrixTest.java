package io.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.controlplane.api.auth.DevIssuer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every authenticated route of the route table × every kind of bad caller: 401 for a token that
 * proves nothing, 403 for a missing role, and for another tenant's job 404 (indistinguishable from
 * a missing one) or, on lease routes, 409 lease-lost. Never data: always a problem document.
 */
class AuthMatrixTest {

    private static final ApiFixture API = new ApiFixture();
    private static final Map<String, String> PARAMS;

    static {
        String client = API.clientToken("contoso");
        String agent = API.agentToken("agent-1");
        API.call("PUT", "/api/agents/agent-1", agent, "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"]}");
        String jobId = API.body(API.call("POST", "/api/jobs", client, ApiFixture.SPEC)).get("id").asText();
        API.call("POST", "/api/jobs", client, ApiFixture.SPEC);
        String leaseId = API.body(API.call("POST", "/api/agents/agent-1/lease", agent, null)).get("leaseId").asText();
        PARAMS = Map.of("{jobId}", jobId, "{leaseId}", leaseId, "{agentId}", "agent-1", "{tenantId}", "contoso", "{name}", "c");
    }

    static Stream<Route> routes() {
        return API.api.routes().stream().filter(Route::authenticated);
    }

    private static String path(Route route) {
        String path = route.path().template();
        for (var p : PARAMS.entrySet()) {
            path = path.replace(p.getKey(), p.getValue());
        }
        return path;
    }

    private static ApiResponse call(Route route, String token) {
        String body = route.method().equals("GET") ? null
                : route.path().template().equals("/api/agents/{agentId}")
                ? "{\"region\":\"westeurope\",\"capabilities\":[\"azure-devops\"]}" : "{}";
        return API.call(route.method(), path(route), token, body);
    }

    private static void assertProblem(ApiResponse response, int status, String slug, String what) {
        assertThat(response.status()).as(what + ": " + response.bodyText()).isEqualTo(status);
        assertThat(response.headers()).as(what).containsEntry("Content-Type", "application/problem+json");
        assertThat(response.bodyText()).as(what).contains(ProblemType.URI_PREFIX + slug);
    }

    static Stream<Arguments> badTokens() {
        DevIssuer issuer = API.issuer;
        Date future = Date.from(Instant.now().plusSeconds(600));
        JWTClaimsSet good = new JWTClaimsSet.Builder().issuer(DevIssuer.DEFAULT_ISSUER).audience(DevIssuer.DEFAULT_AUDIENCE)
                .subject("agent-1").claim("tid", "provider").claim("roles", Roles.ALL)
                .expirationTime(future).build();
        List<Arguments> tokens = new ArrayList<>();
        tokens.add(Arguments.of("no token", null));
        tokens.add(Arguments.of("expired", issuer.sign(new JWTClaimsSet.Builder(good)
                .expirationTime(Date.from(Instant.now().minusSeconds(600))).build())));
        tokens.add(Arguments.of("not yet valid", issuer.sign(new JWTClaimsSet.Builder(good)
                .notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build())));
        tokens.add(Arguments.of("wrong audience", issuer.sign(new JWTClaimsSet.Builder(good).audience("api://other").build())));
        tokens.add(Arguments.of("wrong issuer", issuer.sign(new JWTClaimsSet.Builder(good).issuer("https://evil.example").build())));
        tokens.add(Arguments.of("bad signature", DevIssuer.generate(DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE).sign(good)));
        tokens.add(Arguments.of("alg none", new PlainJWT(good).serialize()));
        tokens.add(Arguments.of("HMAC instead of RSA", hmac(good)));
        tokens.add(Arguments.of("garbage", "not-a-jwt"));
        List<Arguments> matrix = new ArrayList<>();
        routes().forEach(route -> tokens.forEach(t -> matrix.add(Arguments.of(route, t.get()[0], t.get()[1]))));
        return matrix.stream();
    }

    private static String hmac(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner("0123456789abcdef0123456789abcdef0123456789abcdef".getBytes()));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("badTokens")
    void aTokenThatProvesNothingIs401(Route route, String kind, String token) {
        assertProblem(call(route, token), 401, "unauthenticated", route.method() + " " + route.path().template() + " " + kind);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aTokenWithoutTheRouteRoleIs403(Route route) {
        List<String> others = Roles.ALL.stream().filter(r -> !route.roles().contains(r)).toList();
        String token = API.issuer.token("contoso", "agent-1", others, java.time.Duration.ofMinutes(5));
        assertProblem(call(route, token), 403, "forbidden", route.method() + " " + route.path().template());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anotherTenantLearnsNothing(Route route) {
        String template = route.path().template();
        String other = API.issuer.token("fabrikam", "mallory", Roles.ALL, java.time.Duration.ofMinutes(5));
        ApiResponse response = call(route, other);
        String what = route.method() + " " + template;
        if (template.startsWith("/api/jobs/{jobId}")) {
            assertProblem(response, 404, "not-found", what);
        } else if (template.startsWith("/api/leases/")) {
            assertThat(response.status()).as(what + ": " + response.bodyText()).isIn(400, 409);
            assertThat(response.bodyText()).doesNotContain("\"spec\"");
        } else if (template.startsWith("/api/agents/")) {
            assertProblem(response, 403, "forbidden", what);
        } else if (!template.startsWith("/api/admin/")) {
            // Listing and submitting are scoped to the caller's own tenant. (Admin routes belong to
            // the service's operators, across tenants, by role.)
            assertThat(response.bodyText()).as(what).doesNotContain(PARAMS.get("{jobId}"));
        }
    }
}
