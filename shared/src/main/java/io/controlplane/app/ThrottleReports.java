package io.controlplane.app;

import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.FieldError;
import io.controlplane.domain.Job;
import io.controlplane.domain.OrganisationThrottle;
import io.controlplane.domain.Organisations;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.TenantStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent reports what an organisation its lease's job touches told it (HTTP 429 with
 * {@code Retry-After}, {@code X-RateLimit-Remaining}): the organisation's throttle is updated
 * ({@link OrganisationThrottle#reported}, written conditionally on its ETag, so reports of several
 * agents at once each count), this instance forgets its cached throttles, and the region's
 * dispatcher hears of it. From then on no job touching the organisation starts until the back-off
 * ends, and fewer run at once while its budget recovers; the agents of the jobs running against it
 * are told in their heartbeat answers to back off until then.
 *
 * <p>Only an organisation the lease's job touches may be reported (an agent cannot hold back other
 * tenants' work against organisations it does not work with), and only by the lease's holder.
 */
public final class ThrottleReports {

    private static final Logger LOG = LoggerFactory.getLogger(ThrottleReports.class);

    /** The answer: the organisation's state after the report. {@code allowedJobs} null: it limits nothing now. */
    public record Outcome(String organisation, Instant until, Integer allowedJobs, Integer remaining) {
    }

    private final TenantStore tenants;
    private final LeaseAccess leases;
    private final Pools pools;
    private final Dispatcher dispatcher;
    private final Set<String> regions;
    private final Duration increaseEvery;
    private final Clock clock;

    public ThrottleReports(TenantStore tenants, LeaseAccess leases, Pools pools, Dispatcher dispatcher, Set<String> regions,
                           Duration increaseEvery, Clock clock) {
        this.tenants = tenants;
        this.leases = leases;
        this.pools = pools;
        this.dispatcher = dispatcher;
        this.regions = Set.copyOf(regions);
        this.increaseEvery = increaseEvery;
        this.clock = clock;
    }

    /**
     * @param retryAfter the organisation's {@code Retry-After} (zero: it asked none, it said it is near its limit)
     * @param remaining its {@code X-RateLimit-Remaining}, or null
     * @throws io.controlplane.domain.LeaseLostException when the caller does not hold the lease
     * @throws ValidationException when the job does not touch {@code organisation}
     */
    public Outcome report(Caller caller, String leaseId, String organisation, Duration retryAfter, Integer remaining) {
        Job job = leases.check(caller, leaseId);
        List<String> touched = Organisations.of(job.spec());
        if (!touched.contains(organisation)) {
            throw new ValidationException(List.of(new FieldError("organisation",
                    "is not an organisation this lease's job touches: " + (touched.isEmpty() ? "it touches none" : "one of " + touched))));
        }
        OrganisationThrottle stored = null;
        for (int attempt = 0; ; attempt++) {
            Instant now = clock.instant();
            Optional<TenantStore.StoredThrottle> current = tenants.throttle(organisation);
            OrganisationThrottle next = OrganisationThrottle.reported(current.map(TenantStore.StoredThrottle::throttle).orElse(null),
                    organisation, now, retryAfter, remaining, running(organisation), increaseEvery);
            try {
                stored = tenants.putThrottle(next, current.map(TenantStore.StoredThrottle::etag).orElse(null)).throttle();
                break;
            } catch (ConcurrencyConflictException raced) {
                if (attempt + 1 >= AgentRecords.MAX_ATTEMPTS) {
                    throw raced; // reported by many at once, again and again: the agent's retry counts it
                }
            }
        }
        pools.invalidate();
        dispatcher.throttled(job.spec().region(), organisation, stored.until());
        var allowed = stored.allowedAt(clock.instant());
        Integer allowedJobs = allowed.isPresent() ? allowed.getAsInt() : null;
        LOG.info("event=organisation_throttled organisation={} tenant={} jobId={} retryAfterSeconds={} remaining={} until={} allowed={}",
                organisation, job.tenantId(), job.id(), retryAfter.toSeconds(), remaining, stored.until(), allowedJobs);
        return new Outcome(organisation, stored.until(), allowedJobs, stored.remaining());
    }

    /** The jobs running against the organisation in the regions served here, as this instance sees them (at least the reporter's). */
    private int running(String organisation) {
        int running = 0;
        for (String region : regions) {
            running += dispatcher.running(region).byOrganisation().getOrDefault(organisation, 0);
        }
        return Math.max(1, running);
    }
}
