package io.controlplane.api.auth;

import com.nimbusds.jose.util.ResourceRetriever;
import io.controlplane.app.Caller;
import java.io.IOException;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates tokens of the issuer that an OpenID configuration document describes (Entra ID:
 * {@code https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration}, or
 * {@code .../organizations/v2.0/...} for multi-tenant apps): the document gives the issuer and the
 * key set URL, {@link RemoteKeys} keeps the keys, {@link JwtTokenValidator} checks each token.
 *
 * <p>The document is fetched on first need, not at construction, and a failed fetch is retried on
 * a later request (at most one attempt per {@link #RETRY_INTERVAL}): an issuer outage while the host
 * starts costs 503 {@code auth-unavailable} answers until it recovers, never a host that refuses to
 * start or stays broken. Once fetched, the document is kept for the life of the process (an
 * issuer and its key set URL do not move); the keys themselves rotate through {@link RemoteKeys}.
 */
public final class OpenIdTokenValidator implements TokenValidator {

    private static final Logger LOG = LoggerFactory.getLogger(OpenIdTokenValidator.class);

    static final Duration RETRY_INTERVAL = Duration.ofSeconds(5);

    private final URL metadataUrl;
    private final Set<String> audiences;
    private final Set<String> allowedTenants;
    private final ResourceRetriever retriever;
    private final Clock clock;
    private volatile TokenValidator loaded;
    private Instant nextAttempt = Instant.MIN; // guarded by this

    /** See {@link JwtTokenValidator#JwtTokenValidator(String, Set, Set, com.nimbusds.jose.jwk.source.JWKSource)}. */
    public OpenIdTokenValidator(URL metadataUrl, Set<String> audiences, Set<String> allowedTenants) {
        this(metadataUrl, audiences, allowedTenants, RemoteKeys.retriever(), Clock.systemUTC());
    }

    OpenIdTokenValidator(URL metadataUrl, Set<String> audiences, Set<String> allowedTenants, ResourceRetriever retriever,
            Clock clock) {
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("a token validator needs at least one audience");
        }
        this.metadataUrl = metadataUrl;
        this.audiences = Set.copyOf(audiences);
        this.allowedTenants = Set.copyOf(allowedTenants);
        this.retriever = retriever;
        this.clock = clock;
    }

    /**
     * @throws IssuerUnavailableException when the OpenID configuration or the keys cannot be fetched
     */
    @Override
    public Caller validate(String bearerToken) {
        return validator().validate(bearerToken);
    }

    /**
     * Fetches the OpenID configuration unless it is already loaded or the last attempt was less than
     * {@link #RETRY_INTERVAL} ago. Never throws: a host calls it at start-up to find out early.
     *
     * @return whether the configuration is loaded
     */
    public boolean tryLoad() {
        try {
            validator();
            return true;
        } catch (IssuerUnavailableException e) {
            return false;
        }
    }

    private TokenValidator validator() {
        TokenValidator current = loaded;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (loaded != null) {
                return loaded;
            }
            Instant now = clock.instant();
            if (now.isBefore(nextAttempt)) {
                throw unavailable(Duration.between(now, nextAttempt));
            }
            try {
                OpenIdMetadata metadata = OpenIdMetadata.fetch(metadataUrl, retriever);
                loaded = new JwtTokenValidator(metadata.issuer(), audiences, allowedTenants,
                        RemoteKeys.of(metadata.jwksUri(), retriever));
                LOG.info("event=auth_metadata_loaded metadataUrl={} issuer={} jwksUri={} audiences={} allowedTenants={}",
                        metadataUrl, metadata.issuer(), metadata.jwksUri(), audiences, allowedTenants);
                if (metadata.issuer().contains(JwtTokenValidator.TENANT_PLACEHOLDER) && allowedTenants.isEmpty()) {
                    LOG.error("event=auth_no_tenant_admitted metadataUrl={} issuer={} reason=\"a multi-tenant issuer admits"
                            + " only the tenants of AUTH_ALLOWED_TENANTS, and it is empty: every token is refused\"",
                            metadataUrl, metadata.issuer());
                }
                return loaded;
            } catch (IOException | ParseException | RuntimeException e) {
                nextAttempt = now.plus(RETRY_INTERVAL);
                LOG.warn("event=auth_metadata_unavailable metadataUrl={} error=\"{}: {}\" retryInSeconds={}", metadataUrl,
                        e.getClass().getSimpleName(), e.getMessage(), RETRY_INTERVAL.toSeconds());
                throw unavailable(RETRY_INTERVAL);
            }
        }
    }

    private static IssuerUnavailableException unavailable(Duration retryAfter) {
        return new IssuerUnavailableException("The token issuer's OpenID configuration could not be fetched, so no token"
                + " can be checked yet; retry shortly.", retryAfter);
    }
}
