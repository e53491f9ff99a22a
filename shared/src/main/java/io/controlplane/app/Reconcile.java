package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.ConcurrencyConflictException;
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
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
    private final Requeue requeue;
    private final Preemption preemption;
    private final ReadySignal signal;
    private final DispatchSettings settings;
    private final Telemetry telemetry;
    private final Clock clock;
    private final LeaseExpiries expiries;

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
        this.expiries = expiries;
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
    private static final class Tally {
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
        step(region, "lease_expiries", () -> leaseExpiries(region, now, tally));
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
    private static void throwIfUnreachable(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                throw e;
            }
        }
    }

    /** The leases the agents' records list: expired ones requeued, stops past their deadline revoked. */
    /**
     * Agents looked at per pass and region: the sweep of agent records (reservations no job
     * confirms, requeues a crash interrupted) goes round the fleet a page per pass, so a pass costs
     * the same for ten agents or ten thousand. Expired leases and overdue stops do not wait for it:
     * the lease-expiry index brings them up when they are due.
     */
    static final int AGENTS_PER_PASS = 100;
    private final Map<String, String> sweptUpTo = new ConcurrentHashMap<>();

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
        if (held && job.get().isStopping() && stopOverdue(job.get(), job.get().leaseExpiry(lease), now)) {
            // Asked to stop and neither released in time nor kept its lease alive.
            if (revokeStop(job.get())) {
                tally.revoked++;
                return true;
            }
        } else if (held && job.get().leaseExpiry(lease).isBefore(now)) {
            if (requeueExpired(job.get(), agent.id())) {
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

    /** Asked to stop, and past the stop's deadline or the lease's expiry ({@code expiry}, as the agent's record keeps it). */
    private static boolean stopOverdue(Job job, Instant expiry, Instant now) {
        return (job.stopDeadline() != null && job.stopDeadline().isBefore(now)) || expiry.isBefore(now);
    }

    /**
     * The backstop: leases due in the expiry index, whatever the agents' records say. A lease whose
     * job no longer holds it leaves the index; one still running is looked at again when it next
     * expires; one expired (or a stop overdue) is taken back like any other.
     */
    private void leaseExpiries(String region, Instant now, Tally tally) {
        List<LeaseExpiries.Due> due = expiries.due(region, now, EXPIRIES_PER_PASS);
        long started = System.nanoTime();
        Instant startedAt = clock.instant();
        for (int i = 0; i < due.size(); i++) {
            if (i > 0 && i % EXPIRIES_PER_SECOND == 0 && !paced(started, startedAt, i)) {
                return; // the rest at the next pass
            }
            LeaseExpiries.Due entry = due.get(i);
            leaseExpiry(region, entry, now, tally);
        }
    }

    /**
     * Due entries handled per second at most: each is a read of the index, a job read and a move
     * (an add and a remove) in the region's one index partition, so a pass with many leases due
     * (every lease comes due once per lease length, and is moved when its heartbeats extended it)
     * is spread over seconds instead of hitting the partition at once.
     */
    static final int EXPIRIES_PER_SECOND = 100;

    /**
     * Waits until {@code handled} entries are within the rate, on the domain clock (the system clock
     * in the hosts; a simulated one in the scale model, which moves on while the pass waits); false
     * when the pass has run long enough (half a reconcile interval of real time).
     */
    private boolean paced(long startedNanos, Instant startedAt, int handled) {
        Instant due = startedAt.plusSeconds(handled / EXPIRIES_PER_SECOND);
        long giveUpAfter = settings.reconcileInterval().toNanos() / 2;
        while (true) {
            if (System.nanoTime() - startedNanos > giveUpAfter) {
                return false;
            }
            long wait = Duration.between(clock.instant(), due).toNanos();
            if (wait <= 0) {
                return true;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(20)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private void leaseExpiry(String region, LeaseExpiries.Due due, Instant now, Tally tally) {
        try {
            Optional<Job> job = jobs.find(due.tenantId(), due.jobId()).filter(j -> j.holdsLease(due.leaseId()));
            if (job.isEmpty()) {
                expiries.remove(due);
                return;
            }
            Job held = job.get();
            // The agent's heartbeats extend the lease on its record: that (or this instance's copy
            // of it, when the copy shows the lease holding) says until when.
            Instant expiry = held.leaseExpiry(agents.leaseOnRecord(region, held.agentId(), due.leaseId(), now,
                    settings.agentRecordReuse()).orElse(null));
            if (held.isStopping() && stopOverdue(held, expiry, now)) {
                if (revokeStop(held)) {
                    tally.revoked++;
                    expiries.remove(due);
                    dropFromRecord(region, held.agentId(), due.leaseId());
                }
            } else if (expiry.isBefore(now)) {
                if (requeueExpired(held, held.agentId())) {
                    tally.expired++;
                    expiries.remove(due);
                    dropFromRecord(region, held.agentId(), due.leaseId());
                }
            } else {
                Instant next = held.isStopping() && held.stopDeadline() != null
                        && held.stopDeadline().isBefore(expiry) ? held.stopDeadline() : expiry;
                expiries.move(due, next);
            }
        } catch (RuntimeException e) {
            throwIfUnreachable(e);
            LOG.error("event=reconcile_lease_failed region={} jobId={} tenant={} error={}", region, due.jobId(),
                    due.tenantId(), e.toString(), e);
        }
    }

    /** A lease taken back: its slot on the agent's record is freed (the record's sweep would do it later). */
    private void dropFromRecord(String region, String agentId, String leaseId) {
        try {
            agents.recentIn(region, agentId, settings.agentRecordReuse())
                    .ifPresent(agent -> agents.modify(agent, a -> a.lease(leaseId).isPresent() ? a.withoutLease(leaseId) : a));
        } catch (RuntimeException e) {
            throwIfUnreachable(e);
            LOG.warn("event=reconcile_agent_failed region={} agentId={} error={}", region, agentId, e.toString());
        }
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
    private boolean requeueExpired(Job job, String agentId) {
        Job.Transition back = job.requeue(clock.instant(), "lease expired: agent " + agentId
                + " stopped heartbeating (epoch " + job.epoch() + " revoked)", "control-plane");
        try {
            Job stored = requeue.enqueue(back, null);
            LOG.info("event=lease_expired jobId={} tenant={} region={} agentId={} epoch={}", job.id(), job.tenantId(),
                    job.spec().region(), agentId, job.epoch());
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
