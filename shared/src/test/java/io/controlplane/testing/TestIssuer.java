package io.controlplane.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.controlplane.api.auth.JwtTokenValidator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Entra ID on 127.0.0.1 (an ephemeral port): serves an OpenID configuration
 * document at any {@code .../.well-known/openid-configuration} path and a key set at
 * {@code /discovery/v2.0/keys}, counts the fetches of each, and can be taken down and rotated.
 */
public final class TestIssuer implements AutoCloseable {

    public static final String TENANT = "11111111-2222-3333-4444-555555555555";
    public static final String OTHER_TENANT = "99999999-8888-7777-6666-555555555555";
    public static final String AUDIENCE = "api://migration-controlplane";

    private final HttpServer server;
    public final String base;
    public final AtomicInteger metadataFetches = new AtomicInteger();
    public final AtomicInteger keyFetches = new AtomicInteger();
    public volatile boolean metadataUp = true;
    public volatile boolean keysUp = true;
    /** What the document says the issuer is: a tenant's issuer, or the multi-tenant template. */
    public volatile String issuer;
    private volatile List<RSAKey> published;

    private TestIssuer(HttpServer server, List<RSAKey> keys) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.getAddress().getPort();
        this.issuer = issuerOf(TENANT);
        this.published = List.copyOf(keys);
    }

    public static TestIssuer start(RSAKey... keys) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        TestIssuer issuer = new TestIssuer(server, List.of(keys));
        server.createContext("/", issuer::handle);
        server.start();
        return issuer;
    }

    public String issuerOf(String tenant) {
        return base + "/" + tenant + "/v2.0";
    }

    /** Publishes the multi-tenant template, as Entra's organizations/common documents do. */
    public void multiTenant() {
        issuer = base + "/" + JwtTokenValidator.TENANT_PLACEHOLDER + "/v2.0";
    }

    public URL metadataUrl() {
        return url(base + "/" + TENANT + "/v2.0/.well-known/openid-configuration");
    }

    public URL organizationsMetadataUrl() {
        return url(base + "/organizations/v2.0/.well-known/openid-configuration");
    }

    public URL keysUrl() {
        return url(base + "/discovery/v2.0/keys");
    }

    /** The key set now holds these keys (a rotation). */
    public void publish(RSAKey... keys) {
        published = List.of(keys);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.endsWith("/.well-known/openid-configuration")) {
                metadataFetches.incrementAndGet();
                if (!metadataUp) {
                    respond(exchange, 503, "{\"error\":\"temporarily_unavailable\"}");
                    return;
                }
                Map<String, Object> document = new LinkedHashMap<>();
                document.put("issuer", issuer);
                document.put("jwks_uri", base + "/discovery/v2.0/keys");
                document.put("token_endpoint", base + "/oauth2/v2.0/token");
                document.put("id_token_signing_alg_values_supported", List.of("RS256"));
                respond(exchange, 200, JSONObjectUtils.toJSONString(document));
            } else if (path.equals("/discovery/v2.0/keys")) {
                keyFetches.incrementAndGet();
                if (!keysUp) {
                    respond(exchange, 500, "{}");
                    return;
                }
                List<Object> keys = new ArrayList<>();
                for (RSAKey key : published) {
                    Map<String, Object> jwk = key.toPublicJWK().toJSONObject();
                    jwk.put("issuer", issuer); // Entra adds it; the validator must tolerate unknown members
                    keys.add(jwk);
                }
                respond(exchange, 200, JSONObjectUtils.toJSONString(Map.of("keys", keys)));
            } else {
                respond(exchange, 404, "{}");
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Claims of a good token of {@code tenant}, issued by that tenant's issuer. */
    public JWTClaimsSet.Builder claims(String tenant) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuerOf(tenant))
                .audience(AUDIENCE)
                .subject("7c3f0f3e-app-object-id")
                .claim("tid", tenant)
                .claim("azp", "5e4c2a1b-0000-4000-8000-0000000c11e7")
                .claim("roles", List.of("Jobs.Read", "Agents.Run"))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plusSeconds(600)));
    }

    public static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                    .type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URL url(String value) {
        try {
            return java.net.URI.create(value).toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
