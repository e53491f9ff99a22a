package io.controlplane.domain;

import java.time.Instant;
import java.util.List;

/**
 * A job waiting for an agent, in its region's ready queue. The key orders the queue: tier first,
 * then the job's submission time, then its id; a job that comes back (lease lost, retry, resume)
 * gets the same key, so it keeps its place and an entry is never duplicated. {@code notBefore}
 * holds back a retry (back-off); {@code insertedAt} tells a fresh entry from a stale one.
 * {@code envCredentials}: the job names {@code env:} references, so only agents of the tenant's
 * {@code envPools} may take it (their environment holds its variables, a shared agent's does not).
 * {@code organisations}: the organisations its source and target touch ({@link Organisations}),
 * whose limits on concurrent jobs the dispatcher keeps.
 */
public record ReadyEntry(
        String region,
        String tenantId,
        String jobId,
        Tier tier,
        List<String> requiredCapabilities,
        Instant enqueuedAt,
        Instant notBefore,
        Instant insertedAt,
        String etag,
        boolean envCredentials,
        List<String> organisations) {

    public ReadyEntry {
        requiredCapabilities = List.copyOf(requiredCapabilities);
        organisations = organisations == null ? List.of() : List.copyOf(organisations);
    }

    /** An entry without organisations (none known). */
    public ReadyEntry(String region, String tenantId, String jobId, Tier tier, List<String> requiredCapabilities,
                      Instant enqueuedAt, Instant notBefore, Instant insertedAt, String etag, boolean envCredentials) {
        this(region, tenantId, jobId, tier, requiredCapabilities, enqueuedAt, notBefore, insertedAt, etag, envCredentials, List.of());
    }

    /** An entry of a job without {@code env:} references. */
    public ReadyEntry(String region, String tenantId, String jobId, Tier tier, List<String> requiredCapabilities,
                      Instant enqueuedAt, Instant notBefore, Instant insertedAt, String etag) {
        this(region, tenantId, jobId, tier, requiredCapabilities, enqueuedAt, notBefore, insertedAt, etag, false);
    }

    public static ReadyEntry of(Job job, Instant notBefore, Instant now) {
        return new ReadyEntry(job.spec().region(), job.tenantId(), job.id(), job.spec().tier(),
                job.spec().requiredCapabilities(), job.createdAt(), notBefore, now, null,
                CredentialReference.anyEnvIn(job.spec()), Organisations.of(job.spec()));
    }

    /** Ordering key: Platinum "0", Premium "1", Standard "2", then submission millis, then job id. */
    public String key() {
        return keyPrefix(tier) + String.format("%013d", enqueuedAt.toEpochMilli()) + "|" + tenantId + "|" + jobId;
    }

    public static String keyPrefix(Tier tier) {
        return (Tier.values().length - tier.rank()) + "|";
    }

    public boolean isHeldBack(Instant now) {
        return notBefore != null && notBefore.isAfter(now);
    }

    public ReadyEntry withEtag(String newEtag) {
        return new ReadyEntry(region, tenantId, jobId, tier, requiredCapabilities, enqueuedAt, notBefore, insertedAt, newEtag,
                envCredentials, organisations);
    }
}
