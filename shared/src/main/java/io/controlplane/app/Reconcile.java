package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.telemetry.Telemetry;
import io.controlplane.telemetry.TelemetryAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer's pass over a region: requeues the jobs of leases that expired (their agent went
 * silent), found through the agents' records and, as a backstop, through the lease-expiry index;
 * releases slot reservations no job confirms (a claim or release cut short), deletes stale ready
 * entries, and wakes waiting agents when work is waiting (a missed dispatch). Every step is
 * idempotent, so concurrent or repeated passes are harmless, and each lease, entry and step is
 * reconciled on its own: one that fails is logged (with its job id) and the pass goes on. Each pass also reads the
 * region's queue depths for the queue gauges (once per pass, and only when telemetry is on).
 */
public final class Reconcile {

    private static final Logger LOG = LoggerFactory.getLogger(Reconcile.class);

    /** What one pass did. */
    public record Report(String region, int expiredLeases, int releasedReservations, int staleEntries, int waiting,
                         int offlineAgents, int revokedStops, int preemptions) {
    }

    private final AgentRecords agents;
    private final JobStore jobs;
    private final ReadyQueue ready;
    private final Preemption preemption;
    private final ReadySignal signal;
    private final DispatchSettings settings;
    private final Telemetry telemetry;
    private final Clock clock;
    private final LeaseTakeBack takeBack;

    /** Due leases looked at per pass and region; more wait for the next pass. */
    static final int EXPIRIES_PER_PASS = 500;

    /** The span of one pass over one region. */
    public static final String RECONCILE_SPAN = "controlplane.reconcile";
    private static final AttributeKey<Long> EXPIRED = AttributeKey.longKey("controlplane.reconcile.expired_leases");
    private static final AttributeKey<Long> REVOKED = AttributeKey.longKey("controlplane.reconcile.revoked_stops");
    private static final AttributeKey<Long> RELEASED = AttributeKey.longKey("controlplane.reconcile.released_reservations");
    private static final AttributeKey<Long> STALE = AttributeKey.longKey("controlplane.reconcile.stale_entries");
    private static final AttributeKey<Long> WAITING = AttributeKey.longKey("controlplane.reconcile.waiting");
    private static final AttributeKey<Long> OFFLINE = AttributeKey.longKey("controlplane.reconcile.offline_agents");
    private static final AttributeKey<Long> PREEMPTED = AttributeKey.longKey("controlplane.reconcile.preemptions");

    public Reconcile(AgentRecords agents, JobStore jobs, ReadyQueue ready, Requeue requeue, Preemption preemption,
                     ReadySignal signal, DispatchSettings settings, Telemetry telemetry, Clock clock, LeaseExpiries expiries) {
        this.telemetry = telemetry;
        this.preemption = preemption;
        this.agents = agents;
        this.jobs = jobs;
        this.ready = ready;
        this.signal = signal;
        this.settings = settings;
        this.clock = clock;
        this.takeBack = new LeaseTakeBack(agents, jobs, requeue, settings, telemetry, clock, expiries);
    }

    public List<Report> run() {
        List<Report> reports = new ArrayList<>();
        for (String region : agents.regions().stream().sorted().toList()) {
            try {
                reports.add(region(region));
            } catch (RuntimeException e) {
                // One region's trouble (its partition unreadable, say) must not stop the others' passes.
                LOG.error("event=reconcile_region_failed region={} error={}", region, e.toString(), e);
            }
        }
        return reports;
    }

    public Report region(String region) {
        Report report = telemetry.inSpan(RECONCILE_SPAN, Attributes.of(TelemetryAttributes.CLOUD_REGION, region), span -> {
            Report done = pass(region);
            span.set(EXPIRED, (long) done.expiredLeases()).set(REVOKED, (long) done.revokedStops())
                    .set(RELEASED, (long) done.releasedReservations()).set(STALE, (long) done.staleEntries())
                    .set(WAITING, (long) done.waiting()).set(OFFLINE, (long) done.offlineAgents())
                    .set(PREEMPTED, (long) done.preemptions());
            return done;
        });
        if (telemetry.enabled()) {
            try {
                telemetry.metrics().queueDepths(region, ready.depths(region));
            } catch (RuntimeException e) {
                // Only the gauges go stale; the pass itself is done.
                LOG.warn("event=queue_depths_failed region={} error={}", region, e.toString());
            }
        }
        return report;
    }

    /** What a pass did so far (each step adds to it, so a step that fails keeps what the others did). */
    static final class Tally {
        int expired;
        int released;
        int offline;
        int revoked;
        int stale;
        int waiting;
        int preempted;
    }

    private Report pass(String region) {
        Instant now = clock.instant();
        Tally tally = new Tally();
        step(region, "agent_leases", () -> agentLeases(region, now, tally));
        step(region, "lease_expiries", () -> takeBack.leaseExpiries(region, now, tally));
        step(region, "ready_heads", () -> readyHeads(region, now, tally));
        step(region, "preemption", () -> tally.preempted = preemption.run(region).size());
        if (tally.waiting > 0 || tally.expired > 0 || tally.released > 0 || tally.revoked > 0) {
            signal.signal(region);
        }
        Report report = new Report(region, tally.expired, tally.released, tally.stale, tally.waiting, tally.offline,
                tally.revoked, tally.preempted);
        if (tally.expired + tally.released + tally.stale + tally.revoked + tally.preempted > 0) {
            LOG.info("event=reconciled region={} expiredLeases={} releasedReservations={} staleEntries={} waiting={} "
                    + "offlineAgents={} revokedStops={} preemptions={}", region, tally.expired, tally.released, tally.stale,
                    tally.waiting, tally.offline, tally.revoked, tally.preempted);
        }
        return report;
    }

    /** Runs one step of the pass; a step that fails is logged and the pass goes on with the next. */
    private static void step(String region, String name, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.error("event=reconcile_step_failed region={} step={} error={}", region, name, e.toString(), e);
        }
    }

    /**
     * A failure to reach storage at all (an I/O error, after the SDK's retries) is no bad row: every
     * further row would wait out the same retries. It ends the step; the next pass tries again.
     */
    static void throwIfUnreachable(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                throw e;
            }
        }
    }

    /**
     * Agents looked at per pass and region: the sweep of agent records (reservations no job
     * confirms, requeues a crash interrupted) goes round the fleet a page per pass, so a pass costs
     * the same for ten agents or ten thousand. Expired leases and overdue stops do not wait for it:
     * the lease-expiry index brings them up when they are due.
     */
    static final int AGENTS_PER_PASS = 100;
    private final Map<String, String> sweptUpTo = new ConcurrentHashMap<>();

    /** The leases the agents' records list: expired ones requeued, stops past their deadline revoked. */
    private void agentLeases(String region, Instant now, Tally tally) {
        String after = sweptUpTo.get(region);
        List<Agent> page = agents.store().page(region, after, AGENTS_PER_PASS);
        if (page.size() < AGENTS_PER_PASS) {
            sweptUpTo.remove(region); // round the fleet: from the first again next pass
        } else {
            sweptUpTo.put(region, page.get(page.size() - 1).id());
        }
        for (Agent agent : page) {
            agents.remember(agent);
            if (!agent.isHealthy(now, settings.agentOfflineAfter())) {
                tally.offline++;
            }
            List<String> drop = new ArrayList<>();
            for (AgentLease lease : agent.leases()) {
                try {
                    if (reconcileLease(agent, lease, now, tally)) {
                        drop.add(lease.leaseId());
                    }
                } catch (RuntimeException e) {
                    // One bad row (unreadable, or in a state nobody foresaw) must not stop the pass.
                    throwIfUnreachable(e);
                    LOG.error("event=reconcile_lease_failed region={} agentId={} jobId={} tenant={} error={}", region,
                            agent.id(), lease.jobId(), lease.tenantId(), e.toString(), e);
                }
            }
            if (!drop.isEmpty()) {
                try {
                    agents.modify(agent, a -> {
                        Agent without = a;
                        for (String leaseId : drop) {
                            without = without.withoutLease(leaseId);
                        }
                        return without;
                    });
                } catch (RuntimeException e) {
                    throwIfUnreachable(e);
                    LOG.error("event=reconcile_agent_failed region={} agentId={} error={}", region, agent.id(), e.toString(), e);
                }
            }
        }
    }

    /** True when the lease leaves the agent's record. */
    private boolean reconcileLease(Agent agent, AgentLease lease, Instant now, Tally tally) {
        Optional<Job> job = jobs.find(lease.tenantId(), lease.jobId());
        boolean held = job.isPresent() && job.get().holdsLease(lease.leaseId());
        if (held && job.get().isStopping() && LeaseTakeBack.stopOverdue(job.get(), job.get().leaseExpiry(lease), now)) {
            // Asked to stop and neither released in time nor kept its lease alive.
            if (takeBack.revokeStop(job.get())) {
                tally.revoked++;
                return true;
            }
        } else if (held && job.get().leaseExpiry(lease).isBefore(now)) {
            if (takeBack.requeueExpired(job.get(), agent.id())) {
                tally.expired++;
                return true;
            }
        } else if (!held && lease.reservedAt().plus(settings.staleEntryGrace()).isBefore(now)) {
            finishInterruptedRequeue(job, now);
            tally.released++;
            return true;
        }
        return false;
    }

    /** Counts the jobs waiting at the heads and deletes entries whose job is no longer queued. */
    private void readyHeads(String region, Instant now, Tally tally) {
        for (ReadyEntry entry : ready.heads(region, settings.headsPerTier())) {
            try {
                Optional<Job> job = jobs.find(entry.tenantId(), entry.jobId());
                if (job.isPresent() && job.get().state() == JobState.Queued) {
                    tally.waiting++;
                } else if (entry.insertedAt() == null || entry.insertedAt().plus(settings.staleEntryGrace()).isBefore(now)) {
                    if (ready.remove(entry)) {
                        tally.stale++;
                    }
                }
            } catch (RuntimeException e) {
                throwIfUnreachable(e);
                LOG.error("event=reconcile_entry_failed region={} jobId={} tenant={} error={}", region, entry.jobId(),
                        entry.tenantId(), e.toString(), e);
            }
        }
    }

    /**
     * A requeue that stopped after writing the job and before freeing the agent's slot (a crash):
     * the job is Queued. Its entry was written before the job, with the retry's back-off; only if it
     * went missing is it put back (without one: the back-off it had is not known here).
     */
    private void finishInterruptedRequeue(Optional<Job> job, Instant now) {
        if (job.isPresent() && job.get().state() == JobState.Queued) {
            ReadyEntry entry = ReadyEntry.of(job.get(), null, now);
            if (ready.find(entry.region(), entry.key()).isEmpty()) {
                ready.put(entry);
            }
        }
    }
}
