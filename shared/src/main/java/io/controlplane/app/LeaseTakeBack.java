package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.telemetry.Telemetry;
import io.controlplane.telemetry.TelemetryAttributes;
import io.opentelemetry.api.trace.Span;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Reconcile} pass taking leases back: a lease expired (its agent stopped heartbeating)
 * is requeued, a stop past its deadline is revoked, whether the agents' records or the lease-expiry
 * index ({@link #leaseExpiries}, the backstop, paced) bring them up.
 */
final class LeaseTakeBack {

    /** Logged under the reconcile pass's name: these are its events. */
    private static final Logger LOG = LoggerFactory.getLogger(Reconcile.class);

    /**
     * Due entries handled per second at most: each is a read of the index, a job read and a move
     * (an add and a remove) in the region's one index partition, so a pass with many leases due
     * (every lease comes due once per lease length, and is moved when its heartbeats extended it)
     * is spread over seconds instead of hitting the partition at once.
     */
    static final int EXPIRIES_PER_SECOND = 100;

    private final AgentRecords agents;
    private final JobStore jobs;
    private final Requeue requeue;
    private final DispatchSettings settings;
    private final Telemetry telemetry;
    private final Clock clock;
    private final LeaseExpiries expiries;

    LeaseTakeBack(AgentRecords agents, JobStore jobs, Requeue requeue, DispatchSettings settings, Telemetry telemetry,
                  Clock clock, LeaseExpiries expiries) {
        this.agents = agents;
        this.jobs = jobs;
        this.requeue = requeue;
        this.settings = settings;
        this.telemetry = telemetry;
        this.clock = clock;
        this.expiries = expiries;
    }

    /**
     * The backstop: leases due in the expiry index, whatever the agents' records say. A lease whose
     * job no longer holds it leaves the index; one still running is looked at again when it next
     * expires; one expired (or a stop overdue) is taken back like any other.
     */
    void leaseExpiries(String region, Instant now, Reconcile.Tally tally) {
        List<LeaseExpiries.Due> due = expiries.due(region, now, Reconcile.EXPIRIES_PER_PASS);
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

    private void leaseExpiry(String region, LeaseExpiries.Due due, Instant now, Reconcile.Tally tally) {
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
            Reconcile.throwIfUnreachable(e);
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
            Reconcile.throwIfUnreachable(e);
            LOG.warn("event=reconcile_agent_failed region={} agentId={} error={}", region, agentId, e.toString());
        }
    }

    /** Asked to stop, and past the stop's deadline or the lease's expiry ({@code expiry}, as the agent's record keeps it). */
    static boolean stopOverdue(Job job, Instant expiry, Instant now) {
        return (job.stopDeadline() != null && job.stopDeadline().isBefore(now)) || expiry.isBefore(now);
    }

    /** A preempted or pausing job whose agent did not release in time: the lease is revoked. */
    boolean revokeStop(Job job) {
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
    boolean requeueExpired(Job job, String agentId) {
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
}
