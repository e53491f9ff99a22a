package io.controlplane.api.auth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import java.net.URL;
import java.time.Duration;

/**
 * An issuer's signing keys, fetched from its key set URL by nimbus' {@link JWKSourceBuilder}: cached
 * (5 minutes, refreshed ahead of expiry), refreshed at once when a token names an unknown key id
 * (at most twice per 30 seconds, so forged key ids cannot hammer the issuer), retried once on a
 * failed fetch, and served stale for up to a day while the key set URL does not answer.
 */
public final class RemoteKeys {

    /** nimbus' 500 ms default is short for a first TLS handshake to Entra ID from a cold host. */
    static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    static final int READ_TIMEOUT_MILLIS = 2_000;
    /** Entra's multi-tenant key set with certificate chains is tens of KiB; nimbus' default is 50 KiB. */
    static final int SIZE_LIMIT_BYTES = 256 * 1024;
    /** Entra rolls keys with weeks of overlap, so a day-old key set is safe to trust during an outage. */
    static final Duration OUTAGE_TOLERANCE = Duration.ofHours(24);

    private RemoteKeys() {
    }

    /** The HTTP client for metadata and key sets: bounded time and size. */
    public static ResourceRetriever retriever() {
        return new DefaultResourceRetriever(CONNECT_TIMEOUT_MILLIS, READ_TIMEOUT_MILLIS, SIZE_LIMIT_BYTES);
    }

    public static JWKSource<SecurityContext> of(URL keySetUrl) {
        return of(keySetUrl, retriever());
    }

    static JWKSource<SecurityContext> of(URL keySetUrl, ResourceRetriever retriever) {
        return JWKSourceBuilder.<SecurityContext>create(keySetUrl, retriever)
                .retrying(true)
                .outageTolerant(OUTAGE_TOLERANCE.toMillis())
                .build();
    }
}
