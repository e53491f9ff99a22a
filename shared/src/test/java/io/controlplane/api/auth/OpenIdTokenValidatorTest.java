package io.controlplane.api.auth;

import static io.controlplane.testing.TestIssuer.AUDIENCE;
import static io.controlplane.testing.TestIssuer.OTHER_TENANT;
import static io.controlplane.testing.TestIssuer.TENANT;
import static io.controlplane.testing.TestIssuer.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.controlplane.app.Caller;
import io.controlplane.testing.MutableClock;
import io.controlplane.testing.TestIssuer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Token validation driven by an OpenID configuration document, against a local stand-in for Entra
 * ID ({@link TestIssuer}, 127.0.0.1 only): no network beyond the loopback interface.
 */
class OpenIdTokenValidatorTest {

    private static RSAKey current;
    private static RSAKey next;
    private static RSAKey attacker;

    private TestIssuer issuer;
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

    @BeforeAll
    static void keys() throws JOSEException {
        current = rsa("key-2030-01");
        next = rsa("key-2030-02");
        attacker = rsa(current.getKeyID()); // the same kid as the issuer's key
    }

    private static RSAKey rsa(String kid) throws JOSEException {
        return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(kid).generate();
    }

    @BeforeEach
    void startIssuer() throws IOException {
        issuer = TestIssuer.start(current);
    }

    @AfterEach
    void stopIssuer() {
        issuer.close();
    }

    private OpenIdTokenValidator validator(URL metadata, Set<String> allowedTenants) {
        return new OpenIdTokenValidator(metadata, Set.of(AUDIENCE, "5e4c2a1b-0000-4000-8000-00000000c0de"), allowedTenants,
                RemoteKeys.retriever(), clock);
    }

    private OpenIdTokenValidator singleTenant() {
        return validator(issuer.metadataUrl(), Set.of());
    }

    @Test
    void aGoodTokenGivesTheCallerFromTidSubAndRoles() {
        Caller caller = singleTenant().validate(sign(current, issuer.claims(TENANT).build()));

        assertThat(caller.tenantId()).isEqualTo(TENANT);
        assertThat(caller.subject()).isEqualTo("7c3f0f3e-app-object-id");
        assertThat(caller.roles()).containsExactlyInAnyOrder("Jobs.Read", "Agents.Run");
        assertThat(issuer.metadataFetches).hasValue(1);
        assertThat(issuer.keyFetches).hasValue(1);
    }

    @Test
    void rolesComeFromRolesOnlyNeverFromDelegatedScopes() {
        Caller caller = singleTenant().validate(sign(current, issuer.claims(TENANT).claim("roles", null)
                .claim("scp", "Jobs.Read Jobs.Submit").build()));

        assertThat(caller.roles()).isEmpty();
    }

    @Test
    void anyOfTheConfiguredAudiencesIsAccepted() {
        OpenIdTokenValidator validator = singleTenant();

        assertThat(validator.validate(sign(current, issuer.claims(TENANT).audience("5e4c2a1b-0000-4000-8000-00000000c0de")
                .build())).tenantId()).isEqualTo(TENANT);
        assertThat(validator.validate(sign(current, issuer.claims(TENANT).audience(List.of("api://other", AUDIENCE))
                .build())).tenantId()).isEqualTo(TENANT);
    }

    @Test
    void anUnknownKeyIdRefreshesTheKeySetSoARotatedKeyValidates() {
        OpenIdTokenValidator validator = singleTenant();
        validator.validate(sign(current, issuer.claims(TENANT).build()));
        assertThat(issuer.keyFetches).hasValue(1);

        issuer.publish(current, next);
        Caller caller = validator.validate(sign(next, issuer.claims(TENANT).build()));

        assertThat(caller.tenantId()).isEqualTo(TENANT);
        assertThat(issuer.keyFetches).as("one refresh for the unknown kid").hasValue(2);
        validator.validate(sign(next, issuer.claims(TENANT).build()));
        validator.validate(sign(current, issuer.claims(TENANT).build()));
        assertThat(issuer.keyFetches).as("both keys now come from the cache").hasValue(2);
        assertThat(issuer.metadataFetches).as("the document is fetched once").hasValue(1);
    }

    @Test
    void forgedKeyIdsCannotMakeTheServiceHammerTheIssuer() {
        OpenIdTokenValidator validator = singleTenant();
        validator.validate(sign(current, issuer.claims(TENANT).build()));

        for (int i = 0; i < 10; i++) {
            String forged = sign(withKid(attacker, "forged-" + i), issuer.claims(TENANT).build());
            assertThatThrownBy(() -> validator.validate(forged))
                    .isInstanceOfAny(AuthenticationException.class, IssuerUnavailableException.class);
        }

        assertThat(issuer.keyFetches).as("nimbus' rate limit: two fetches per 30 s").hasValueLessThanOrEqualTo(2);
    }

    private static RSAKey withKid(RSAKey key, String kid) {
        return new RSAKey.Builder(key).keyID(kid).build();
    }

    static Stream<Arguments> refusedTokens() {
        String badSignature = "signature or algorithm is not accepted";
        return Stream.of(
                refused("wrong issuer", "its issuer (iss) is not one this deployment trusts",
                        i -> sign(current, i.claims(TENANT).issuer("https://evil.example/v2.0").build())),
                refused("another tenant's issuer", "issuer (iss)",
                        i -> sign(current, i.claims(TENANT).issuer(i.issuerOf(OTHER_TENANT)).build())),
                refused("v1.0 issuer", "issuer (iss)",
                        i -> sign(current, i.claims(TENANT).issuer("https://sts.windows.net/" + TENANT + "/").build())),
                refused("wrong audience", "issued for another audience (aud)",
                        i -> sign(current, i.claims(TENANT).audience("api://other").build())),
                refused("expired", "it has expired (exp)",
                        i -> sign(current, i.claims(TENANT).expirationTime(Date.from(Instant.now().minusSeconds(120))).build())),
                refused("not yet valid", "not valid yet (nbf)",
                        i -> sign(current, i.claims(TENANT).notBeforeTime(Date.from(Instant.now().plusSeconds(120))).build())),
                refused("no exp", "missing required claims", i -> sign(current, i.claims(TENANT).expirationTime(null).build())),
                refused("no tid", "missing required claims", i -> sign(current, i.claims(TENANT).claim("tid", null).build())),
                refused("no sub", "missing required claims", i -> sign(current, i.claims(TENANT).subject(null).build())),
                refused("alg none", badSignature, i -> new PlainJWT(i.claims(TENANT).build()).serialize()),
                refused("HS256 keyed with the public key", badSignature, i -> hmacWithPublicKey(i.claims(TENANT).build())),
                refused("RS256 by an attacker key with the issuer's kid", badSignature, i -> sign(attacker, i.claims(TENANT).build())),
                refused("garbage", "not a well-formed JWT", i -> "not-a-jwt"),
                // ID tokens: a sign-in to a client, whose audience may well be this API's own client id.
                refused("an ID token (nonce)", "it is an ID token",
                        i -> sign(current, i.claims(TENANT).claim("nonce", "n-0S6_WzA2Mj").build())),
                refused("an ID token (no azp, no appid)", "it is an ID token",
                        i -> sign(current, i.claims(TENANT).claim("azp", null).build())),
                refused("an idtyp that is no access token's", "it is an ID token",
                        i -> sign(current, i.claims(TENANT).claim("idtyp", "id").build())));
    }

    private static Arguments refused(String kind, String why, Forge forge) {
        return Arguments.of(kind, why, forge);
    }

    /** Builds a token against the running issuer. */
    interface Forge {
        String token(TestIssuer issuer);
    }

    /** The classic algorithm confusion: the issuer's public key bytes, known to all, as an HMAC secret. */
    private static String hmacWithPublicKey(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(current.getKeyID()).build(), claims);
            jwt.sign(new MACSigner(current.toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void aTokenThatProvesNothingIsRefused(String kind, String why, Forge forge) {
        OpenIdTokenValidator validator = singleTenant();
        validator.validate(sign(current, issuer.claims(TENANT).build()));

        assertThatThrownBy(() -> validator.validate(forge.token(issuer))).as(kind)
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining(why)
                // An unauthenticated caller learns which check failed, not what this deployment trusts.
                .hasMessageNotContaining(issuer.base).hasMessageNotContaining(TestIssuer.AUDIENCE)
                .hasMessageNotContaining("evil.example").hasMessageNotContaining("sts.windows.net");
        assertThat(issuer.keyFetches).as("a known kid never refetches the keys").hasValue(1);
    }

    @Test
    void aMultiTenantIssuerAcceptsTheAllowedTenantsByTheirOwnIssuer() {
        issuer.multiTenant();
        OpenIdTokenValidator validator = validator(issuer.organizationsMetadataUrl(), Set.of(TENANT.toUpperCase()));

        assertThat(validator.validate(sign(current, issuer.claims(TENANT).build())).tenantId()).isEqualTo(TENANT);
        assertThatThrownBy(() -> validator.validate(sign(current, issuer.claims(OTHER_TENANT).build())))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("its tenant (tid) is not admitted");
    }

    @Test
    void aMultiTenantIssuerRefusesAnIssuerOfAnotherTenantThanTid() {
        issuer.multiTenant();
        OpenIdTokenValidator validator = validator(issuer.organizationsMetadataUrl(), Set.of(TENANT, OTHER_TENANT));

        // Signed by the shared key, allowed tenant in tid, but the issuer names another tenant.
        String mixed = sign(current, issuer.claims(TENANT).issuer(issuer.issuerOf(OTHER_TENANT)).build());

        assertThatThrownBy(() -> validator.validate(mixed))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("its issuer (iss) is not one this deployment trusts")
                .hasMessageNotContaining(issuer.issuerOf(TENANT));
        assertThatThrownBy(() -> validator.validate(sign(current, issuer.claims(TENANT)
                .issuer(issuer.base + "/" + JwtTokenValidator.TENANT_PLACEHOLDER + "/v2.0").build())))
                .as("the template itself is no issuer").isInstanceOf(AuthenticationException.class);
    }

    @Test
    void aMultiTenantIssuerWithEveryTenantAllowedAcceptsAnyTenant() {
        issuer.multiTenant();
        OpenIdTokenValidator validator = validator(issuer.organizationsMetadataUrl(), Set.of(JwtTokenValidator.ANY_TENANT));

        assertThat(validator.validate(sign(current, issuer.claims(OTHER_TENANT).build())).tenantId()).isEqualTo(OTHER_TENANT);
    }

    @Test
    void aMultiTenantIssuerWithoutAllowedTenantsAdmitsNobody() {
        issuer.multiTenant();
        OpenIdTokenValidator validator = validator(issuer.organizationsMetadataUrl(), Set.of());

        assertThatThrownBy(() -> validator.validate(sign(current, issuer.claims(TENANT).build())))
                .isInstanceOf(AuthenticationException.class);
    }

    @Test
    void aSingleTenantIssuerHonoursTheAllowListToo() {
        OpenIdTokenValidator validator = validator(issuer.metadataUrl(), Set.of(OTHER_TENANT));

        assertThatThrownBy(() -> validator.validate(sign(current, issuer.claims(TENANT).build())))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("is not admitted");
    }

    @Test
    void accessTokensOfAppsAndUsersAreAcceptedAsBeforeV1AppidIncluded() {
        OpenIdTokenValidator validator = singleTenant();

        assertThat(validator.validate(sign(current, issuer.claims(TENANT).claim("idtyp", "app").build())).tenantId())
                .isEqualTo(TENANT);
        assertThat(validator.validate(sign(current, issuer.claims(TENANT).claim("idtyp", "user").build())).tenantId())
                .isEqualTo(TENANT);
        assertThat(validator.validate(sign(current, issuer.claims(TENANT).claim("azp", null)
                .claim("appid", "5e4c2a1b-0000-4000-8000-0000000c11e7").build())).tenantId()).isEqualTo(TENANT);
    }

    @Test
    void anUpperCaseTidIsOneTenantWithItsLowerCaseSpelling() {
        issuer.multiTenant();
        OpenIdTokenValidator validator = validator(issuer.organizationsMetadataUrl(), Set.of(TENANT));
        String upper = TENANT.toUpperCase(java.util.Locale.ROOT);

        // Entra's issuer spells the tenant as tid does; the caller's tenant is lower case, once and for all.
        io.controlplane.app.Caller caller = validator.validate(sign(current, issuer.claims(upper).issuer(issuer.issuerOf(upper))
                .build()));

        assertThat(caller.tenantId()).isEqualTo(TENANT);
    }

    @Test
    void aDocumentUnavailableAtStartIsFetchedOnceItIsBack() {
        issuer.metadataUp = false;
        OpenIdTokenValidator validator = singleTenant();
        String token = sign(current, issuer.claims(TENANT).build());

        assertThat(validator.tryLoad()).as("start-up: the issuer is down, the host still starts").isFalse();
        assertThatThrownBy(() -> validator.validate(token))
                .isInstanceOf(IssuerUnavailableException.class)
                .satisfies(e -> assertThat(((IssuerUnavailableException) e).retryAfter())
                        .isBetween(Duration.ofSeconds(1), OpenIdTokenValidator.RETRY_INTERVAL));
        assertThat(issuer.metadataFetches).as("no second attempt within the retry interval").hasValue(1);

        issuer.metadataUp = true;
        clock.advance(OpenIdTokenValidator.RETRY_INTERVAL);

        assertThat(validator.validate(token).tenantId()).isEqualTo(TENANT);
        assertThat(issuer.metadataFetches).hasValue(2);
        validator.validate(token);
        assertThat(issuer.metadataFetches).as("kept once loaded").hasValue(2);
    }

    @Test
    void anIssuerThatDoesNotListenIsUnavailableNotAnAuthenticationFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        OpenIdTokenValidator validator = validator(
                java.net.URI.create("http://127.0.0.1:" + closedPort + "/" + TENANT + "/v2.0/.well-known/openid-configuration").toURL(),
                Set.of());

        assertThatThrownBy(() -> validator.validate(sign(current, issuer.claims(TENANT).build())))
                .isInstanceOf(IssuerUnavailableException.class)
                .hasMessageContaining("retry");
    }

    @Test
    void keysThatCannotBeFetchedMakeTheIssuerUnavailable() {
        issuer.keysUp = false;
        OpenIdTokenValidator validator = singleTenant();

        assertThatThrownBy(() -> validator.validate(sign(current, issuer.claims(TENANT).build())))
                .isInstanceOf(IssuerUnavailableException.class);
    }

    @Test
    void theValidatorNeedsAnAudience() {
        assertThatThrownBy(() -> new OpenIdTokenValidator(issuer.metadataUrl(), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
