package io.controlplane.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key store made from the PEM files self-hosters have (what certbot, cert-manager and openssl
 * write): a certificate chain and an unencrypted PKCS#8 private key (RSA or EC).
 */
final class PemKeyStore {

    /** The store's in-memory password: the key never leaves this process, so it protects nothing. */
    static final char[] PASSWORD = "in-memory".toCharArray();

    private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemKeyStore() {
    }

    static KeyStore load(Path certificateFile, Path keyFile) {
        try {
            List<? extends Certificate> chain;
            try (InputStream in = Files.newInputStream(certificateFile)) {
                chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(HttpSettings.TLS_CERTIFICATE_FILE + " holds no PEM certificate: " + certificateFile);
            }
            PrivateKey key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("controlplane", key, PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot use the TLS certificate " + certificateFile + " and key " + keyFile + ": " + e, e);
        }
    }

    private static PrivateKey privateKey(String pem, Path file) throws GeneralSecurityException {
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw new IllegalArgumentException(HttpSettings.TLS_KEY_FILE + " must hold an unencrypted PKCS#8 key ('BEGIN PRIVATE KEY'); "
                    + "convert one with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1)));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
