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
import io.controlplane.telemetry.LogValues;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates JWT bearer tokens with nimbus-jose-jwt: signature by a key of the issuer's key set
 * (RS256 only: no {@code none}, no HMAC), issuer, audience (any one of the accepted ones), expiry
 * and not-before with a small clock skew, and the tenant allow-list. The tenant is the {@code tid}
 * claim, the identity {@code sub}, the roles {@code roles} (never {@code scp}: delegated scopes say
 * what a user let a client do, not what the user may do here).
 *
 * <p>Only access tokens are accepted: an ID token (a {@code nonce}, neither {@code azp} nor
 * {@code appid}, or an {@code idtyp} other than {@code app} or {@code user}) is refused, even when
 * its audience is this API's client id. The {@code tid} is lower-cased once, here: every store,
 * cache and comparison downstream sees one spelling of a tenant.
 *
 * <p>A refusal says which check failed, never the values involved (the issuer and audience this
 * deployment trusts are not told to unauthenticated callers); the token's own values go to the log,
 * sanitised, as {@code event=token_refused}.
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

    private static final Logger LOG = LoggerFactory.getLogger(JwtTokenValidator.class);

    /** Starts the refusals this class words for the caller (the rest come from nimbus). */
    private static final String OWN_REFUSAL = "controlplane:";

    /** The {@code idtyp} values of Entra access tokens (app-only and delegated). */
    private static final Set<String> ACCESS_TOKEN_TYPES = Set.of("app", "user");

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
            throw new AuthenticationException("The token was refused: " + refusal(e));
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
            return new Caller(tenant.toLowerCase(Locale.ROOT), subject, roles == null ? Set.of() : new HashSet<>(roles));
        } catch (ParseException e) {
            throw new AuthenticationException("The token's tid or roles claim has the wrong type.");
        }
    }

    /**
     * What a refusal tells the caller: which check failed, without the values (nimbus names the
     * audience and issuer it expected). The token's own values are logged for the operator.
     */
    private static String refusal(BadJWTException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String answer;
        if (message.startsWith(OWN_REFUSAL)) {
            answer = message.substring(message.indexOf(':') + 1).trim();
        } else if (message.startsWith("JWT missing required claims")) {
            answer = message.substring(4) + "."; // claim names only
        } else if (message.contains("Expired")) {
            answer = "it has expired (exp).";
        } else if (message.contains("before use")) {
            answer = "it is not valid yet (nbf).";
        } else if (message.contains("aud")) {
            answer = "it was issued for another audience (aud): request it for this API.";
        } else {
            answer = "its claims are not accepted.";
        }
        LOG.info("event=token_refused reason=\"{}\" detail=\"{}\"", LogValues.sanitise(answer),
                LogValues.sanitise(message));
        return answer;
    }

    /** Audience, expiry, not-before and required claims by nimbus; issuer, tenant and token type here. */
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
                LOG.info("event=token_refused reason=issuer tokenIssuer=\"{}\" expectedIssuer=\"{}\"",
                        LogValues.sanitise(claims.getIssuer()), expected);
                throw new BadJWTException(OWN_REFUSAL + " its issuer (iss) is not one this deployment trusts.");
            }
            if (!admits(tenant)) {
                throw new BadJWTException(OWN_REFUSAL + " its tenant (tid) is not admitted by this deployment.");
            }
            refuseIdTokens(claims);
        }

        /**
         * An ID token proves a sign-in to a client, not a grant to call this API; its {@code aud} is the
         * client's id, which is also an accepted audience when the client is this API's own registration.
         */
        private static void refuseIdTokens(JWTClaimsSet claims) throws BadJWTException {
            Object idtyp = claims.getClaim("idtyp");
            if (claims.getClaim("nonce") != null || claims.getClaim("azp") == null && claims.getClaim("appid") == null
                    || idtyp != null && !ACCESS_TOKEN_TYPES.contains(String.valueOf(idtyp))) {
                throw new BadJWTException(OWN_REFUSAL + " it is an ID token, not an access token (a nonce, neither azp nor"
                        + " appid, or an idtyp other than app or user); request an access token for this API.");
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
