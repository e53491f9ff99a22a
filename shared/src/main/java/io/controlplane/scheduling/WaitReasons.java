package io.controlplane.scheduling;

import io.controlplane.domain.Agent;
import io.controlplane.domain.ReadyEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Why a queued job is not running now, as the dispatcher would decide it: a pure function of the
 * job's ready entry, the other ready jobs, the region's agents, the limits and the running jobs.
 * The first that applies:
 * <ol>
 *   <li>{@code retry-back-off}: it failed and waits before its retry, until {@code until};</li>
 *   <li>an organisation it touches holds it ({@link OrganisationGate}): {@code organisation-throttled}
 *       (until {@code until}), {@code organisation-throttle-budget}, {@code organisation-limit} or
 *       {@code tenant-organisation-limit}, with the organisation and the limit;</li>
 *   <li>{@code no-capable-agent}: no agent of the region that is online may take it (region, pool,
 *       capabilities, credentials), busy or not;</li>
 *   <li>{@code higher-tier}: {@code jobsAhead} jobs of a higher effective tier go first;</li>
 *   <li>{@code fair-share}: other tenants of its tier take their turn first (they run fewer jobs for
 *       their weight), {@code jobsAhead} jobs in all;</li>
 *   <li>{@code queued}: {@code jobsAhead} older jobs of its tier go first;</li>
 *   <li>{@code no-free-agent}: it is next, and every agent that may take it is busy.</li>
 * </ol>
 */
public final class WaitReasons {

    /**
     * @param reason one of the codes above
     * @param organisation the organisation that holds it (organisation reasons), else null
     * @param until when the back-off ends (retry or throttle), else null
     * @param limit the limit it waits for (organisation reasons), else null
     * @param jobsAhead the jobs that go before it (queue reasons), else null
     * @param message the same, for people
     */
    public record Waiting(String reason, String organisation, Instant until, Integer limit, Integer jobsAhead, String message) {
    }

    private final DispatchPolicy policy;
    private final Duration offlineAfter;
    private final boolean fairShare;

    public WaitReasons(DispatchPolicy policy, Duration offlineAfter, boolean fairShare) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.offlineAfter = Objects.requireNonNull(offlineAfter, "offlineAfter");
        this.fairShare = fairShare;
    }

    /**
     * @param entry the job's ready entry
     * @param ready the region's ready jobs as known (the job's own entry among them or not)
     * @param fleet the region's agents as known
     * @param fleetKnown whether {@code fleet} is every agent of the region (the dispatcher's own view);
     *     when not, an empty fleet gives no agent reason
     */
    public Waiting explain(ReadyEntry entry, Collection<ReadyEntry> ready, List<Agent> fleet, boolean fleetKnown, PoolDirectory pools,
                           Running running, Instant now) {
        if (entry.isHeldBack(now)) {
            return new Waiting("retry-back-off", null, entry.notBefore(), null, null,
                    "It failed and waits before its retry, until " + entry.notBefore() + ".");
        }
        var held = OrganisationGate.held(entry, pools, running, Map.of(), Map.of(), now);
        if (held.isPresent()) {
            return organisation(held.get());
        }
        if ((fleetKnown || !fleet.isEmpty()) && fleet.stream().noneMatch(a -> !a.draining() && a.isHealthy(now, offlineAfter)
                && policy.admits(a, entry, pools, now))) {
            return new Waiting("no-capable-agent", null, null, null, null, "No online agent in region " + entry.region()
                    + " may take it (its pool, capabilities " + entry.requiredCapabilities() + " or credentials).");
        }
        List<ReadyEntry> others = ready.stream()
                .filter(e -> !e.jobId().equals(entry.jobId()) && !e.isHeldBack(now))
                .filter(e -> OrganisationGate.held(e, pools, running, Map.of(), Map.of(), now).isEmpty())
                .toList();
        List<ReadyEntry> all = new ArrayList<>(others);
        all.add(entry);
        FairOrder order = new FairOrder(policy, all, now, running.byTenant(), pools, fairShare);
        int rank = policy.effectiveRank(entry, now);
        int ahead = 0;
        int higher = 0;
        boolean turnOfOthers = false;
        for (ReadyEntry next = order.next(); next != null && !next.jobId().equals(entry.jobId()); next = order.next()) {
            order.given(next); // as if each were given in turn: the order the jobs would be served in
            ahead++;
            if (policy.effectiveRank(next, now) != rank) {
                higher++;
            } else if (!next.tenantId().equals(entry.tenantId()) && next.enqueuedAt().isAfter(entry.enqueuedAt())) {
                turnOfOthers = true; // younger, yet before it: its tenant's turn comes after theirs
            }
        }
        if (higher > 0) {
            return new Waiting("higher-tier", null, null, null, ahead, ahead + " job(s) go first, " + higher
                    + " of them of a higher tier.");
        }
        if (turnOfOthers) {
            return new Waiting("fair-share", null, null, null, ahead, "Other tenants of its tier take their turn first (they run "
                    + "fewer jobs for their share): " + ahead + " job(s) go first.");
        }
        if (ahead > 0) {
            return new Waiting("queued", null, null, null, ahead, ahead + " older job(s) of its tier go first.");
        }
        return new Waiting("no-free-agent", null, null, null, 0, "It is next; every agent that may take it is busy.");
    }

    private static Waiting organisation(OrganisationGate.Held held) {
        String org = held.organisation();
        return switch (held.reason()) {
            case THROTTLED -> new Waiting(held.reason().code(), org, held.until(), 0, null,
                    "Organisation " + org + " asked for a back-off (HTTP 429): no job against it starts before " + held.until() + ".");
            case THROTTLE_BUDGET -> new Waiting(held.reason().code(), org, null, held.limit(), null,
                    "Organisation " + org + " was throttled and recovers: " + held.limit() + " job(s) may run against it now.");
            case LIMIT -> new Waiting(held.reason().code(), org, null, held.limit(), null,
                    "Organisation " + org + " runs its limit of " + held.limit() + " job(s) at once (set by the operator).");
            case TENANT_LIMIT -> new Waiting(held.reason().code(), org, null, held.limit(), null,
                    "Your tenant runs its own limit of " + held.limit() + " job(s) against " + org + ".");
        };
    }
}
