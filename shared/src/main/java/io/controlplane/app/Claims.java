package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.AgentNotFoundException;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobState;
import io.controlplane.domain.LeaseIds;
import io.controlplane.domain.Organisations;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.OfferNote;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.telemetry.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One claim of one ready job for one agent, the dispatcher's only write path. Three conditional
 * writes: reserve a slot in the agent record (ETag), move the job Queued → Assigned with the next
 * epoch (ETag; the one write that decides, so two claimers of one job, say two dispatchers with
 * stale views, can never both win), then delete the ready entry. A crash between them leaves a
 * reservation or an entry that reconciliation clears; never a job leased twice.
 */
final class Claims {

    private static final Logger LOG = LoggerFactory.getLogger(Claims.class);

    /** What a claim did. */
    enum Outcome {
        /** The job is leased to the agent: see {@link Claim#grant()}. */
        LEASED,
        /** The job is not (any more) queued: forget the entry. */
        JOB_GONE,
        /** The agent record changed or has no free slot: see {@link Claim#agent()}, the record as now stored. */
        AGENT_CHANGED,
        /** The job is still queued but changed since it was read: try it again, read afresh. */
        JOB_CHANGED
    }

    /** A claim's outcome, with the agent record as it is after the claim (null when it is gone). */
    record Claim(Outcome outcome, Optional<LeaseGrant> grant, Agent agent) {
    }

    /**
     * Runs a claim's write that may go beside another (never the dispatcher's own executor, whose
     * threads may all be claiming and waiting for it): a thread while one is free, else the
     * claiming thread itself, so it can never wait for a thread.
     */
    private static final Executor BESIDE = SideBySide.executor("claim-beside", 16);

    private final AgentRecords agents;
    private final JobStore jobs;
    private final ReadyQueue ready;
    private final LeaseExpiries expiries;
    private final DispatchSettings settings;
    private final Telemetry telemetry;
    private final Executor background;

    private final LeaseAccess leases;

    Claims(AgentRecords agents, JobStore jobs, ReadyQueue ready, LeaseExpiries expiries, DispatchSettings settings,
           Telemetry telemetry, Executor background, LeaseAccess leases) {
        this.leases = leases;
        this.agents = agents;
        this.jobs = jobs;
        this.ready = ready;
        this.expiries = expiries;
        this.settings = settings;
        this.telemetry = telemetry;
        this.background = background;
    }

    Claim claim(Agent agent, ReadyEntry entry, Instant now) {
        return claim(agent, entry, null, now);
    }

    /**
     * @param known the job as stored when it became ready, if the caller has it (a submission or
     *     requeue on this instance): saves reading it; the conditional write finds out if it changed
     */
    Claim claim(Agent agent, ReadyEntry entry, Job known, Instant now) {
        Optional<Job> found = known != null && known.state() == JobState.Queued && known.etag() != null
                ? Optional.of(known) : jobs.find(entry.tenantId(), entry.jobId());
        if (found.isEmpty() || found.get().state() != JobState.Queued) {
            dropIfStale(entry, now);
            return new Claim(Outcome.JOB_GONE, Optional.empty(), agent);
        }
        Job job = found.get();
        Reservation r = reserve(agent, job, now);
        if (r.refused() != null) {
            return r.refused();
        }
        Agent reserved = r.agent();
        String leaseId = r.leaseId();
        Job.Transition assigned = job.assign(agent.id(), leaseId, r.expiresAt(), now);
        Job stored;
        try {
            stored = jobs.update(assigned.job(), List.of(assigned.entry()));
        } catch (ConcurrencyConflictException | JobNotFoundException lost) {
            Optional<Job> now2 = reread(job);
            if (now2.isPresent() && now2.get().holdsLease(leaseId)) {
                stored = now2.get();
            } else {
                // Another dispatcher (or an operator) got there first, or the job changed and is
                // still queued: give the slot back, and say which.
                Agent back = giveBack(reserved, leaseId);
                boolean queued = now2.isPresent() && now2.get().state() == JobState.Queued;
                return new Claim(queued ? Outcome.JOB_CHANGED : Outcome.JOB_GONE, Optional.empty(), back);
            }
        }
        // The entry is stale from now on (claims skip a job that is not queued): drop it off the hot
        // path, if it is still the version read. An entry made up for a held job (no ETag) is not:
        // deleting by key alone, late on a busy pool, could delete the entry the job's next return
        // to the queue writes (same key). Reconciliation removes that stale entry after its grace.
        if (entry.etag() != null) {
            background.execute(() -> ready.remove(entry));
        }
        return leased(stored, job, r, queuedSince(job, entry), now);
    }

    /** The claim made: the job as leased is remembered for the agent's first write, logged and counted. */
    private Claim leased(Job stored, Job before, Reservation r, Instant queuedSince, Instant now) {
        leases.remember(stored); // the agent's first write checks against this version, not a read
        LOG.info("event=leased jobId={} tenant={} tier={} region={} agentId={} epoch={} attempt={}", stored.id(), stored.tenantId(),
                stored.spec().tier(), stored.spec().region(), r.agent().id(), r.epoch(), stored.attempt());
        telemetry.metrics().jobLeased(stored, Duration.between(queuedSince, now));
        return new Claim(Outcome.LEASED, Optional.of(grant(stored, before.attempt(), r.leaseId(), r.epoch(), r.expiresAt())), r.agent());
    }

    /**
     * A job being submitted, claimed for {@code agent} as it is created: the slot is reserved (and
     * the lease indexed), then {@code create} stores the job already Assigned, with its submission
     * and its lease in its history, in the creation's one transaction. The job is never stored
     * Queued, so it needs no ready entry. A crash after the reservation leaves a reservation of a
     * job that does not exist, which the agent's next heartbeat drops after the stale-entry grace
     * (and the reconcile pass drops its index entry); a creation refused (quota, a reused
     * Idempotency-Key) gives the slot back and is rethrown. {@code AGENT_CHANGED} when the agent
     * had no free slot after all: then nothing was written and the job is submitted as usual.
     */
    Claim claimNew(Agent agent, Job.Transition submitted, BiFunction<Job, List<HistoryEntry>, Job> create,
                   Instant now) {
        Job job = submitted.job();
        Reservation r = reserve(agent, job, now);
        if (r.refused() != null) {
            return r.refused();
        }
        Job.Transition assigned = job.assign(agent.id(), r.leaseId(), r.expiresAt(), now);
        Job stored;
        try {
            stored = create.apply(assigned.job(), List.of(submitted.entry(), assigned.entry()));
        } catch (RuntimeException refused) {
            giveBack(r.agent(), r.leaseId());
            throw refused;
        }
        return leased(stored, job, r, job.createdAt(), now);
    }

    /** A slot of the agent reserved for a lease of the job (and the lease indexed), or why not. */
    private record Reservation(Agent agent, String leaseId, long epoch, Instant expiresAt, Claim refused) {
    }

    private Reservation reserve(Agent agent, Job job, Instant now) {
        long epoch = job.epoch() + 1;
        String leaseId = LeaseIds.newLeaseId(job.tenantId(), job.id(), epoch);
        Instant expiresAt = now.plus(settings.leaseDuration());
        AgentLease reservation = new AgentLease(leaseId, job.tenantId(), job.id(), epoch, now, expiresAt,
                Organisations.of(job.spec()));
        // Indexed before the job is leased, so no lease is ever without its entry (the reconcile
        // backstop finds an expired lease there, whatever the agent records say); written while
        // the slot is reserved. An entry of a claim that then fails is a hint the backstop drops.
        CompletableFuture<Void> indexed = CompletableFuture.runAsync(
                () -> expiries.add(new LeaseExpiries.Due(agent.region(), expiresAt, job.tenantId(), job.id(), epoch, leaseId)),
                BESIDE);
        Agent reserved;
        try {
            reserved = agents.modify(agent, a -> {
                if (!a.canTakeWork(now, settings.agentOfflineAfter())
                        || a.hold(now).filter(h -> !h.jobId().equals(job.id())).isPresent()) {
                    return a; // full, gone quiet, draining, or held for another job (the view was stale)
                }
                Agent r = a.withLease(reservation);
                return r.heldFor() != null && r.heldFor().jobId().equals(job.id()) ? r.withHold(null) : r;
            });
        } catch (ConcurrencyConflictException e) {
            return refused(new Claim(Outcome.AGENT_CHANGED, Optional.empty(), agents.store().find(agent.region(), agent.id()).orElse(null)));
        } catch (AgentNotFoundException gone) {
            return refused(new Claim(Outcome.AGENT_CHANGED, Optional.empty(), null));
        }
        if (reserved.lease(leaseId).isEmpty()) {
            return refused(new Claim(Outcome.AGENT_CHANGED, Optional.empty(), reserved)); // no free slot any more
        }
        try {
            indexed.join();
        } catch (CompletionException e) {
            giveBack(reserved, leaseId);
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return new Reservation(reserved, leaseId, epoch, expiresAt, null);
    }

    private static Reservation refused(Claim claim) {
        return new Reservation(null, null, 0, null, claim);
    }

    private Agent giveBack(Agent reserved, String leaseId) {
        return agents.modify(reserved, a -> a.lease(leaseId).isPresent() ? a.withoutLease(leaseId) : a);
    }

    /**
     * What the agent is given: the job as leased, with where it got to when it ran before
     * ({@code priorAttempts}: its attempts before this lease).
     */
    private LeaseGrant grant(Job leased, int priorAttempts, String leaseId, long epoch, Instant expiresAt) {
        List<Checkpoint> checkpoints = priorAttempts > 0 || leased.lastCheckpointAt() != null
                ? jobs.checkpoints(leased.tenantId(), leased.id()) : List.of();
        boolean resumed = priorAttempts > 0 || leased.progress().percent() > 0 || !checkpoints.isEmpty();
        return new LeaseGrant(leased, leaseId, epoch, expiresAt, resumed, checkpoints);
    }

    /**
     * The lease a dispatcher on another instance claimed for an agent whose poll waits here: the job
     * is read, and must hold that lease for that agent (else the offer is stale: empty).
     */
    Optional<LeaseGrant> delivered(OfferNote offer) {
        Optional<Job> found = jobs.find(offer.tenantId(), offer.jobId());
        if (found.isEmpty() || !found.get().holdsLease(offer.leaseId()) || !offer.agentId().equals(found.get().agentId())) {
            LOG.info("event=offer_stale jobId={} tenant={} agentId={} epoch={}", offer.jobId(), offer.tenantId(), offer.agentId(),
                    offer.epoch());
            return Optional.empty();
        }
        Job leased = found.get();
        leases.remember(leased);
        return Optional.of(grant(leased, leased.attempt() - 1, offer.leaseId(), offer.epoch(), offer.expiresAt()));
    }

    /**
     * The job as stored after its claim write was refused. It may hold this claim's lease after
     * all: the write committed, its answer was lost, and the retry met a row that a heartbeat or a
     * preemption pass had changed again meanwhile, so it was reported as a conflict. The lease id is
     * new with each claim, so only this claim can have written it. Empty when it cannot be read.
     */
    private Optional<Job> reread(Job job) {
        try {
            return jobs.find(job.tenantId(), job.id());
        } catch (RuntimeException unreadable) {
            LOG.warn("event=claim_unconfirmed jobId={} tenant={} error={}", job.id(), job.tenantId(), unreadable.toString());
            return Optional.empty(); // the slot goes back; if the lease is the job's, it expires and is requeued
        }
    }

    /**
     * When the job became ready: its last change (the submission or the move back to Queued), or the
     * end of its retry back-off, whichever is later.
     */
    private static Instant queuedSince(Job queued, ReadyEntry entry) {
        Instant since = queued.updatedAt() != null ? queued.updatedAt() : queued.createdAt();
        return entry.notBefore() != null && entry.notBefore().isAfter(since) ? entry.notBefore() : since;
    }

    /** An entry whose job is gone or not queued is deleted once it is older than the grace period. */
    private void dropIfStale(ReadyEntry entry, Instant now) {
        if (entry.insertedAt() == null || entry.insertedAt().plus(settings.staleEntryGrace()).isBefore(now)) {
            ready.remove(entry);
        }
    }
}
