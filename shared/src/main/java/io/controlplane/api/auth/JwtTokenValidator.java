package io.controlplane.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
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
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates JWT bearer tokens with nimbus-jose-jwt: signature by a key of the issuer's key set
 * (RS256 only: no {@code none}, no HMAC), issuer, audience (any one of the accepted ones), expiry
 * and not-before with a small clock skew, and the tenant allow-list. The tenant is the {@code tid}
 * claim, the identity {@code sub}, the roles {@code roles} (never {@code scp}: delegated scopes say
 * what a user let a client do, not what the user may do here).
 *
 * <p>The issuer is either exact or, for Entra ID multi-tenant metadata, a template such as
 * {@code https://login.microsoftonline.com/{tenantid}/v2.0}: a token is accepted when its {@code iss}
 * equals the template with {@value #TENANT_PLACEHOLDER} replaced by its own {@code tid}.
 */
public final class JwtTokenValidator implements TokenValidator {

    static final int MAX_CLOCK_SKEW_SECONDS = 60;

    /** Entra ID signs access tokens with RS256 only; any further algorithm would be attack surface with no user. */
    static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS = Set.of(JWSAlgorithm.RS256);

    /** Stands for the token's own {@code tid} in a multi-tenant issuer (Entra's spelling). */
    public static final String TENANT_PLACEHOLDER = "{tenantid}";

    /** As the only allowed tenant: every tenant. */
    public static final String ANY_TENANT = "*";

    /** Entra's keys are normally in the cache: a miss that could not refresh is worth a retry soon. */
    private static final Duration KEYS_RETRY_AFTER = Duration.ofSeconds(5);

    private final ConfigurableJWTProcessor<SecurityContext> processor;

    /** One exact issuer and audience, any tenant (the development issuer, tests). */
    public JwtTokenValidator(String issuer, String audience, JWKSource<SecurityContext> keys) {
        this(issuer, Set.of(audience), Set.of(), keys);
    }

    /**
     * @param issuer the exact {@code iss}, or a template holding {@value #TENANT_PLACEHOLDER}
     * @param audiences the accepted {@code aud} values; a token must carry at least one
     * @param allowedTenants the admitted {@code tid} values (any case), or just {@value #ANY_TENANT}; empty
     *     admits every tenant of an exact issuer (it names one tenant already) and none of a template
     */
    public JwtTokenValidator(String issuer, Set<String> audiences, Set<String> allowedTenants, JWKSource<SecurityContext> keys) {
        if (issuer == null || issuer.isBlank() || audiences.isEmpty()) {
            throw new IllegalArgumentException("a token validator needs an issuer and at least one audience");
        }
        DefaultJWTProcessor<SecurityContext> jwt = new DefaultJWTProcessor<>();
        jwt.setJWSKeySelector(new JWSVerificationKeySelector<>(ACCEPTED_ALGORITHMS, keys));
        ClaimsVerifier claims = new ClaimsVerifier(issuer, Set.copyOf(audiences), allowedTenants.stream()
                .map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()));
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
        } catch (RateLimitReachedException e) {
            // A key id not in the cache, and the key set was fetched twice in the last 30 s.
            throw new IssuerUnavailableException("The token names a signing key this service does not have yet, and the"
                    + " issuer's keys were refreshed moments ago; retry shortly.", Duration.ofSeconds(30));
        } catch (KeySourceException e) {
            throw new IssuerUnavailableException("The token issuer's signing keys could not be fetched; retry shortly.",
                    KEYS_RETRY_AFTER);
        } catch (JOSEException e) {
            throw new AuthenticationException("The token could not be verified.");
        }
        try {
            String tenant = claims.getStringClaim("tid");
            String subject = claims.getSubject();
            if (!KeySafety.isTenantId(tenant)) {
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

    /** Audience, expiry, not-before and required claims by nimbus; issuer and tenant here. */
    private static final class ClaimsVerifier extends DefaultJWTClaimsVerifier<SecurityContext> {
        private final String issuer;
        private final boolean template;
        private final Set<String> allowedTenants;

        ClaimsVerifier(String issuer, Set<String> audiences, Set<String> allowedTenants) {
            super(audiences, new JWTClaimsSet.Builder().build(), Set.of("iss", "sub", "exp", "tid"), Set.of());
            this.issuer = issuer;
            this.template = issuer.contains(TENANT_PLACEHOLDER);
            this.allowedTenants = allowedTenants;
        }

        @Override
        public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
            super.verify(claims, context);
            String tenant;
            try {
                tenant = claims.getStringClaim("tid");
            } catch (ParseException e) {
                throw new BadJWTException("JWT tid claim is not a string");
            }
            String expected = template ? issuer.replace(TENANT_PLACEHOLDER, tenant) : issuer;
            if (!expected.equals(claims.getIssuer())) {
                throw new BadJWTException("JWT iss claim has value " + claims.getIssuer() + ", must be " + expected);
            }
            if (!admits(tenant)) {
                throw new BadJWTException("JWT tid claim names a tenant this deployment does not admit");
            }
        }

        private boolean admits(String tenant) {
            if (allowedTenants.contains(ANY_TENANT)) {
                return true;
            }
            if (allowedTenants.isEmpty()) {
                return !template;
            }
            return allowedTenants.contains(tenant.toLowerCase(Locale.ROOT));
        }
    }
}
