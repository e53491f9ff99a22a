package io.controlplane.domain;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Lease ids: opaque to agents, but they locate the job (tenant, job id) with one point read, and
 * carry a random part so a lease id cannot be guessed from a job id. Every use checks the id
 * against the one the job row holds, so a forged or old id only ever reads as "lease lost".
 */
public final class LeaseIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String VERSION = "l1";

    /** Where a lease id points. */
    public record Target(String tenantId, String jobId, long epoch) {
    }

    private LeaseIds() {
    }

    public static String newLeaseId(String tenantId, String jobId, long epoch) {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        String raw = VERSION + "\n" + tenantId + "\n" + jobId + "\n" + epoch + "\n" + HexFormat.of().formatHex(nonce);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Optional<Target> parse(String leaseId) {
        if (leaseId == null || leaseId.length() > 600) {
            return Optional.empty();
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(leaseId), StandardCharsets.UTF_8);
            String[] parts = raw.split("\n", -1);
            if (parts.length != 5 || !VERSION.equals(parts[0]) || !KeySafety.isKeySafe(parts[1])
                    || !KeySafety.isKeySafe(parts[2])) {
                return Optional.empty();
            }
            return Optional.of(new Target(parts[1], parts[2], Long.parseLong(parts[3])));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
