package io.controlplane.api.auth;

import static io.controlplane.testing.TestIssuer.AUDIENCE;
import static io.controlplane.testing.TestIssuer.OTHER_TENANT;
import static io.controlplane.testing.TestIssuer.TENANT;
import static io.controlplane.testing.TestIssuer.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.controlplane.testing.TestIssuer;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An explicit issuer with a remote key set (AUTH_ISSUER + AUTH_JWKS_URL), on the same {@link RemoteKeys}. */
class JwtTokenValidatorTest {

    private static RSAKey current;
    private static RSAKey next;

    private TestIssuer issuer;

    @BeforeAll
    static void keys() throws JOSEException {
        current = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID("k1").generate();
        next = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID("k2").generate();
    }

    @BeforeEach
    void startIssuer() throws IOException {
        issuer = TestIssuer.start(current);
    }

    @AfterEach
    void stopIssuer() {
        issuer.close();
    }

    private JwtTokenValidator validator(Set<String> allowedTenants) {
        return new JwtTokenValidator(issuer.issuerOf(TENANT), Set.of(AUDIENCE), allowedTenants,
                RemoteKeys.of(issuer.keysUrl(), RemoteKeys.retriever()));
    }

    @Test
    void remoteKeysAreFetchedOnceAndRefreshedForARotatedKey() {
        JwtTokenValidator validator = validator(Set.of());

        assertThat(validator.validate(sign(current, issuer.claims(TENANT).build())).tenantId()).isEqualTo(TENANT);
        issuer.publish(current, next);
        assertThat(validator.validate(sign(next, issuer.claims(TENANT).build())).tenantId()).isEqualTo(TENANT);
        validator.validate(sign(current, issuer.claims(TENANT).build()));

        assertThat(issuer.keyFetches).hasValue(2);
    }

    @Test
    void theExactIssuerIsRequiredAndTheAllowListHonoured() {
        assertThatThrownBy(() -> validator(Set.of()).validate(sign(current, issuer.claims(OTHER_TENANT).build())))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("its issuer (iss) is not one this deployment trusts")
                .hasMessageNotContaining(issuer.issuerOf(TENANT));
        assertThatThrownBy(() -> validator(Set.of(OTHER_TENANT)).validate(sign(current, issuer.claims(TENANT).build())))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("is not admitted");
    }

    @Test
    void anUnreachableKeySetIsAnIssuerOutageNotABadToken() {
        issuer.keysUp = false;

        assertThatThrownBy(() -> validator(Set.of()).validate(sign(current, issuer.claims(TENANT).build())))
                .isInstanceOf(IssuerUnavailableException.class)
                .satisfies(e -> assertThat(((IssuerUnavailableException) e).retryAfter()).isPositive());
    }
}
