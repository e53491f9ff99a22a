package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.telemetry.Telemetry;
import io.controlplane.telemetry.TelemetryAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer's pass over a region: requeues the jobs of leases that expired (their agent went
 * silent), releases slot reservations no job confirms (a claim or release cut short), deletes
 * stale ready entries, and wakes waiting agents when work is waiting (a missed dispatch). Every
 * step is idempotent, so concurrent or repeated passes are harmless. Each pass also reads the
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
    private final Requeue requeue;
    private final Preemption preemption;
    private final ReadySignal signal;
    private final DispatchSettings settings;
    private final Telemetry telemetry;
    private final Clock clock;

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
                     ReadySignal signal, DispatchSettings settings, Telemetry telemetry, Clock clock) {
        this.telemetry = telemetry;
        this.preemption = preemption;
        this.agents = agents;
        this.jobs = jobs;
        this.ready = ready;
        this.requeue = requeue;
        this.signal = signal;
        this.settings = settings;
        this.clock = clock;
    }

    public List<Report> run() {
        List<Report> reports = new ArrayList<>();
        for (String region : agents.regions().stream().sorted().toList()) {
            reports.add(region(region));
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

    private Report pass(String region) {
        Instant now = clock.instant();
        int expired = 0;
        int released = 0;
        int offline = 0;
        int revoked = 0;
        for (Agent agent : agents.store().list(region)) {
            if (!agent.isHealthy(now, settings.agentOfflineAfter())) {
                offline++;
            }
            List<String> drop = new ArrayList<>();
            for (AgentLease lease : agent.leases()) {
                Optional<Job> job = jobs.find(lease.tenantId(), lease.jobId());
                boolean held = job.isPresent() && job.get().holdsLease(lease.leaseId());
                boolean stopping = held && job.get().stopDeadline() != null;
                if (stopping && (job.get().stopDeadline().isBefore(now) || job.get().leaseExpiresAt().isBefore(now))) {
                    // Asked to stop and neither released in time nor kept its lease alive.
                    if (revokeStop(job.get())) {
                        revoked++;
                        drop.add(lease.leaseId());
                    }
                } else if (held && job.get().leaseExpiresAt().isBefore(now)) {
                    if (requeueExpired(job.get(), agent)) {
                        expired++;
                        drop.add(lease.leaseId());
                    }
                } else if (!held && lease.reservedAt().plus(settings.staleEntryGrace()).isBefore(now)) {
                    finishInterruptedRequeue(job, lease, now);
                    drop.add(lease.leaseId());
                    released++;
                }
            }
            if (!drop.isEmpty()) {
                agents.modify(agent, a -> {
                    Agent without = a;
                    for (String leaseId : drop) {
                        without = without.withoutLease(leaseId);
                    }
                    return without;
                });
            }
        }
        int stale = 0;
        int waiting = 0;
        for (ReadyEntry entry : ready.heads(region, settings.headsPerTier())) {
            Optional<Job> job = jobs.find(entry.tenantId(), entry.jobId());
            if (job.isPresent() && job.get().state() == JobState.Queued) {
                waiting++;
            } else if (entry.insertedAt() == null || entry.insertedAt().plus(settings.staleEntryGrace()).isBefore(now)) {
                if (ready.remove(entry)) {
                    stale++;
                }
            }
        }
        int preempted = preemption.run(region).size();
        if (waiting > 0 || expired > 0 || released > 0 || revoked > 0) {
            signal.signal(region);
        }
        Report report = new Report(region, expired, released, stale, waiting, offline, revoked, preempted);
        if (expired + released + stale + revoked + preempted > 0) {
            LOG.info("event=reconciled region={} expiredLeases={} releasedReservations={} staleEntries={} waiting={} "
                    + "offlineAgents={} revokedStops={} preemptions={}", region, expired, released, stale, waiting, offline,
                    revoked, preempted);
        }
        return report;
    }

    /** A preempted or pausing job whose agent did not release in time: the lease is revoked. */
    private boolean revokeStop(Job job) {
        Job.Transition revoked = job.revokeStop(clock.instant());
        try {
            Job stored = revoked.job().state() == JobState.Queued
                    ? requeue.enqueue(revoked, null)
                    : jobs.update(revoked.job(), List.of(revoked.entry()));
            LOG.info("event=stop_revoked jobId={} tenant={} region={} agentId={} epoch={} state={}", job.id(), job.tenantId(),
                    job.spec().region(), job.agentId(), job.epoch(), stored.state());
            telemetry.metrics().leaseExpired(job, "stop_grace");
            lostLease(job, "stop_grace");
            return true;
        } catch (ConcurrencyConflictException raced) {
            return false;
        }
    }

    /** Lease expired: back to the queue from where it was, keeping progress (and later checkpoints). */
    private boolean requeueExpired(Job job, Agent agent) {
        Job.Transition back = job.requeue(clock.instant(), "lease expired: agent " + agent.id()
                + " stopped heartbeating (epoch " + job.epoch() + " revoked)", "control-plane");
        try {
            Job stored = requeue.enqueue(back, null);
            LOG.info("event=lease_expired jobId={} tenant={} region={} agentId={} epoch={}", job.id(), job.tenantId(),
                    job.spec().region(), agent.id(), job.epoch());
            telemetry.metrics().leaseExpired(job, "heartbeat");
            lostLease(job, "heartbeat");
            return stored.state() == JobState.Queued;
        } catch (ConcurrencyConflictException raced) {
            return false; // the agent came back or someone else changed it: next pass decides
        }
    }

    /** An event on the pass's span per lease taken back, naming the job and its agent. */
    private static void lostLease(Job job, String cause) {
        Span.current().addEvent("lease_expired", TelemetryAttributes.job(job).toBuilder()
                .put(TelemetryAttributes.LEASE_EXPIRY_CAUSE, cause).put(TelemetryAttributes.LEASE_EPOCH, job.epoch()).build());
    }

    /**
     * A requeue that stopped after writing the job (crash before the entry): the job is Queued
     * without an entry. Put it back; the entry is idempotent.
     */
    private void finishInterruptedRequeue(Optional<Job> job, AgentLease lease, Instant now) {
        if (job.isPresent() && job.get().state() == JobState.Queued) {
            ready.put(ReadyEntry.of(job.get(), null, now));
        }
    }
}
