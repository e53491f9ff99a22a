package io.controlplane.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * The development token issuer: an RSA key kept in a local file (created on first use) that signs
 * tokens shaped like Entra ID's ({@code tid}, {@code sub}, {@code roles}). For local runs and tests
 * only; the control plane refuses it when configured for production.
 */
public final class DevIssuer {

    public static final String DEFAULT_ISSUER = "urn:controlplane:dev-issuer";
    public static final String DEFAULT_AUDIENCE = "api://migration-controlplane";
    /** The {@code azp} of development tokens: an access token names the client it was issued to. */
    public static final String CLIENT_ID = "controlplane-dev-token";

    private final RSAKey key;
    private final String issuer;
    private final String audience;

    public DevIssuer(RSAKey key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
    }

    /** A fresh in-memory key (tests). */
    public static DevIssuer generate(String issuer, String audience) {
        return new DevIssuer(newKey(), issuer, audience);
    }

    /** The key in {@code file}, created (owner-only permissions) when it does not exist yet. */
    public static DevIssuer loadOrCreate(Path file, String issuer, String audience) {
        try {
            if (!Files.exists(file)) {
                Path parent = file.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                Path temp = Files.createTempFile(parent, "dev-issuer", ".tmp");
                try {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system: the file keeps the default permissions
                }
                Files.writeString(temp, newKey().toJSONString());
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException raced) {
                    Files.deleteIfExists(temp);
                }
            }
            return new DevIssuer(RSAKey.parse(Files.readString(file)), issuer, audience);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the development issuer key " + file, e);
        } catch (ParseException e) {
            throw new IllegalStateException("The development issuer key " + file + " is not a JWK; delete it to make a new one", e);
        }
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot generate an RSA key", e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public String audience() {
        return audience;
    }

    /** The public key set a validator trusts. */
    public JWKSource<SecurityContext> publicKeys() {
        return new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()));
    }

    public TokenValidator validator() {
        return new JwtTokenValidator(issuer, audience, publicKeys());
    }

    public String token(String tenantId, String subject, List<String> roles, Duration lifetime) {
        Instant now = Instant.now();
        return sign(new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(subject)
                .claim("tid", tenantId)
                .claim("azp", CLIENT_ID)
                .claim("roles", roles)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString())
                .build());
    }

    /** Signs any claims: tests use it to build tokens that must be refused. */
    public String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a development token", e);
        }
    }
}
