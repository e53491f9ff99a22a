package io.controlplane.app;

import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.IdempotencyKey;
import io.controlplane.domain.IdempotencyKeyReusedException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobSpec;
import io.controlplane.domain.NotEntitledException;
import io.controlplane.domain.QuotaExceededException;
import io.controlplane.domain.TenantEntitlement;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.JobStore;
import io.controlplane.telemetry.Telemetry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Stores a validated job spec as a new queued job of the caller's tenant and puts it in its
 * region's ready queue (entry first, then the job: see {@link Requeue}), then announces it; or,
 * when an agent waits that the region's dispatcher (on this instance) would give it to now, stores
 * it already leased to that agent ({@link Placement}). With an
 * Idempotency-Key, a retry of the same request returns the job the first one created, and the key
 * used with a different request is refused; the key is stored in the job's creation transaction.
 * The tenant's entitlement bounds the tier, the region and the number of unfinished jobs; the
 * store enforces that number atomically with the creation, so concurrent submissions cannot
 * exceed it.
 */
public final class SubmitJob {

    /**
     * Claims a job for a waiting agent as it is created, where that can be decided here (see
     * {@link Dispatcher#placeNew}): {@code create} stores the job as given, with the history
     * entries given, under the submission's quota and Idempotency-Key. Empty: not placed, nothing
     * stored; the job is submitted to its ready queue.
     */
    public interface Placement {
        Optional<Job> place(Job.Transition submitted,
                            BiFunction<Job, List<HistoryEntry>, Job> create);
    }

    /** The job, and whether it was created by an earlier request with the same key. */
    public record Submitted(Job job, boolean replayed) {
    }

    private final Requeue requeue;
    private final Placement placement;
    private final JobStore jobs;
    private final Pools entitlements;
    private final boolean requireEntitlement;
    private final JobIdGenerator ids;
    private final Telemetry telemetry;
    private final Clock clock;

    /**
     * @param entitlements tenants' entitlements, cached with the pool directory, so a submission
     *     reads no entitlement from storage
     * @param requireEntitlement refuse tenants without an entitlement (else they are unrestricted)
     */
    public SubmitJob(Requeue requeue, Placement placement, JobStore jobs, Pools entitlements, boolean requireEntitlement,
                     JobIdGenerator ids, Telemetry telemetry, Clock clock) {
        this.requeue = requeue;
        this.placement = placement;
        this.jobs = jobs;
        this.entitlements = entitlements;
        this.requireEntitlement = requireEntitlement;
        this.ids = ids;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    public Job submit(Caller caller, JobSpec spec) {
        return submit(caller, spec, null, null).job();
    }

    /**
     * @param key the client's Idempotency-Key, or null
     * @param fingerprint identifies the request the key came with (same body, same fingerprint)
     */
    public Submitted submit(Caller caller, JobSpec spec, String key, String fingerprint) {
        Submitted submitted = create(caller, spec, key, fingerprint);
        telemetry.describe(submitted.job());
        if (!submitted.replayed()) {
            telemetry.metrics().jobSubmitted(submitted.job());
        }
        return submitted;
    }

    /**
     * A dry run of {@link #submit}: the entitlement checks a submission of {@code spec} would make
     * (tier, region, credential references) and the quota of unfinished jobs as it stands now,
     * storing nothing. (A real submission counts again, in its creation transaction: others may
     * submit in between.)
     *
     * @throws QuotaExceededException when the tenant already has its quota of unfinished jobs
     */
    public void check(Caller caller, JobSpec spec) {
        int maxActiveJobs = admit(caller.tenantId(), spec);
        if (maxActiveJobs != JobStore.UNLIMITED && jobs.unfinishedJobs(caller.tenantId(), maxActiveJobs) >= maxActiveJobs) {
            throw new QuotaExceededException(caller.tenantId(), maxActiveJobs);
        }
    }

    private Submitted create(Caller caller, JobSpec spec, String key, String fingerprint) {
        if (key != null) {
            Optional<Submitted> earlier = earlier(caller, key, fingerprint);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        int maxActiveJobs = admit(caller.tenantId(), spec);
        Job.Transition created = Job.submitted(ids.next(), caller.tenantId(), spec, clock.instant(), caller.subject());
        IdempotencyKey idempotency = key == null ? null : new IdempotencyKey(key, fingerprint, created.job().id());
        try {
            Optional<Job> placed = placement.place(created, (job, entries) -> jobs.create(job, entries, idempotency, maxActiveJobs));
            return new Submitted(placed.isPresent() ? placed.get()
                    : requeue.submit(created.job(), created.entry(), idempotency, maxActiveJobs), false);
        } catch (ConcurrencyConflictException raced) {
            // A concurrent request with the same key won: answer as a retry of it.
            return earlier(caller, key, fingerprint).orElseThrow(() -> raced);
        }
    }

    /**
     * Checks the tenant's entitlement (tier, region, and that its credential references name only its
     * own vaults and, for {@code env:}, its own pools); returns its quota of unfinished jobs. A tenant
     * without one is unrestricted: only a single-tenant Development deployment allows that
     * ({@link io.controlplane.config.TenancySettings}).
     *
     * @throws ValidationException listing every credential reference the tenant may not use
     */
    private int admit(String tenantId, JobSpec spec) {
        Optional<TenantEntitlement> entitlement = entitlements.entitlement(tenantId);
        if (entitlement.isEmpty()) {
            if (requireEntitlement) {
                throw new NotEntitledException("Tenant " + tenantId + " has no entitlement here; an operator grants one"
                        + " with PUT /api/admin/tenants/" + tenantId + ".");
            }
            return JobStore.UNLIMITED;
        }
        entitlement.get().admit(spec);
        List<FieldError> credentials = entitlement.get().credentialProblems(spec);
        if (!credentials.isEmpty()) {
            throw new ValidationException(credentials);
        }
        return entitlement.get().maxConcurrentJobs();
    }

    private Optional<Submitted> earlier(Caller caller, String key, String fingerprint) {
        if (key == null) {
            return Optional.empty();
        }
        Optional<IdempotencyKey> used = jobs.findIdempotencyKey(caller.tenantId(), key);
        if (used.isEmpty()) {
            return Optional.empty();
        }
        if (!used.get().fingerprint().equals(fingerprint)) {
            throw new IdempotencyKeyReusedException(key, used.get().jobId());
        }
        Job job = jobs.find(caller.tenantId(), used.get().jobId()).orElseThrow(() -> new JobNotFoundException(used.get().jobId()));
        return Optional.of(new Submitted(job, true));
    }
}
