package io.controlplane.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.controlplane.app.Caller;
import io.controlplane.domain.KeySafety;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Validates JWT bearer tokens with nimbus-jose-jwt: signature by a key of the issuer's key set
 * (RS256 only: no {@code none}, no HMAC), exact issuer, audience, expiry and not-before with a
 * small clock skew. The tenant is the {@code tid} claim, the identity {@code sub}, the roles
 * {@code roles}.
 */
public final class JwtTokenValidator implements TokenValidator {

    static final int MAX_CLOCK_SKEW_SECONDS = 60;

    private final ConfigurableJWTProcessor<SecurityContext> processor;

    public JwtTokenValidator(String issuer, String audience, JWKSource<SecurityContext> keys) {
        DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
        jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256), keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(audience),
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of("sub", "exp", "tid"),
                Set.of());
        claims.setMaxClockSkew(MAX_CLOCK_SKEW_SECONDS);
        jwt.setJWTClaimsSetVerifier(claims);
        this.processor = jwt;
    }

    @Override
    public Caller validate(String bearerToken) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(bearerToken, null);
        } catch (BadJWTException e) {
            throw new AuthenticationException("The token was refused: " + e.getMessage());
        } catch (BadJOSEException e) {
            throw new AuthenticationException("The token's signature or algorithm is not accepted.");
        } catch (ParseException e) {
            throw new AuthenticationException("The bearer token is not a well-formed JWT.");
        } catch (JOSEException e) {
            throw new AuthenticationException("The token could not be verified.");
        }
        try {
            String tenant = claims.getStringClaim("tid");
            String subject = claims.getSubject();
            if (!KeySafety.isKeySafe(tenant) || tenant.length() > 128) {
                throw new AuthenticationException("The token's tid claim is not a valid tenant id.");
            }
            if (subject == null || subject.isBlank() || subject.length() > 256) {
                throw new AuthenticationException("The token's sub claim is missing or too long.");
            }
            List<String> roles = claims.getStringListClaim("roles");
            return new Caller(tenant, subject, roles == null ? Set.of() : new HashSet<>(roles));
        } catch (ParseException e) {
            throw new AuthenticationException("The token's tid or roles claim has the wrong type.");
        }
    }
}
