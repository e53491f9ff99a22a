package io.controlplane.ports;

import io.controlplane.domain.KeySafety;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque listing cursors: "resume after this key". Encoded so clients do not build them by hand;
 * every store adapter uses the same encoding, so tokens stay valid across adapters' tests.
 */
public final class ContinuationTokens {

    private static final String PREFIX = "v1:";

    private ContinuationTokens() {
    }

    public static String after(String key) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }

    /** The key a token resumes after, or null for no token. */
    public static String keyOf(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (!decoded.startsWith(PREFIX) || decoded.length() == PREFIX.length()) {
                throw new InvalidContinuationTokenException();
            }
            String key = decoded.substring(PREFIX.length());
            if (!KeySafety.isKeySafe(key)) {
                throw new InvalidContinuationTokenException();
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new InvalidContinuationTokenException();
        }
    }
}
