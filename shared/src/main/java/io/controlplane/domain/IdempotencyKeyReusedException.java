package io.controlplane.domain;

/** The Idempotency-Key was already used with a different request; nothing was created. */
public final class IdempotencyKeyReusedException extends DomainException {

    public IdempotencyKeyReusedException(String key, String jobId) {
        super("Idempotency-Key '" + key + "' was already used for a different request (job " + jobId
                + "); use a new key for a new job, or send the same body to get that job.");
    }
}
