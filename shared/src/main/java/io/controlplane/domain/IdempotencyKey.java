package io.controlplane.domain;

/**
 * A client's {@code Idempotency-Key}, the fingerprint of the request it came with, and (once
 * stored) the job it created. Stored beside the job in the tenant's partition, in the job's
 * creation transaction, so a key never exists without its job or the other way round.
 */
public record IdempotencyKey(String key, String fingerprint, String jobId) {
}
