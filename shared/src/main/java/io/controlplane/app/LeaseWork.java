package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.JobState;
import io.controlplane.domain.LeaseIds;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.LeaseExpiries;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.scheduling.DispatchPolicy;
import io.controlplane.scheduling.PoolDirectory;
import io.controlplane.telemetry.Telemetry;
import io.controlplane.telemetry.TelemetryAttributes;
import io.opentelemetry.api.common.Attributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent asks for work: it gets the best job it may run (tier, aging, region, capabilities,
 * pool), or waits up to {@code waitSeconds} for one (long poll: woken at once by local submissions,
 * otherwise re-checking every poll interval).
 *
 * <p>A claim is three conditional writes: reserve a slot in the agent record (ETag), move the job
 * Queued → Assigned with the next epoch (ETag; the one write that decides, so two claimers of one
 * job can never both win), then delete the ready entry. A crash between them leaves a reservation
 * or an entry that reconciliation clears; never a job leased twice.
 */
public final class LeaseWork {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseWork.class);
    public static final int MAX_WAIT_SECONDS = 30;
    private static final int DEEP_PAGE = 100;

    private final AgentRecords agents;
    private final JobStore jobs;
    private final ReadyQueue ready;
    private final DispatchPolicy policy;
    private final Pools pools;
    private final ReadySignal signal;
    private final DispatchSettings settings;
    private final Clock clock;
    private final java.util.concurrent.Executor background;
    private final Telemetry telemetry;
    private final LeaseExpiries expiries;

    /** The span of one lease request's dispatch: the claim, including the long-poll wait. */
    public static final String DISPATCH_SPAN = "controlplane.dispatch";

    public LeaseWork(AgentRecords agents, JobStore jobs, ReadyQueue ready, DispatchPolicy policy, Pools pools,
                     ReadySignal signal, DispatchSettings settings, Clock clock, java.util.concurrent.Executor background,
                     Telemetry telemetry, LeaseExpiries expiries) {
        this.expiries = expiries;
        this.background = background;
        this.telemetry = telemetry;
        this.agents = agents;
        this.jobs = jobs;
        this.ready = ready;
        this.policy = policy;
        this.pools = pools;
        this.signal = signal;
        this.settings = settings;
        this.clock = clock;
    }

    public Optional<LeaseGrant> lease(Caller caller, String agentId, int waitSeconds) throws InterruptedException {
        Agent agent = agents.own(caller, agentId);
        Optional<LeaseGrant> grant = telemetry.inSpan(DISPATCH_SPAN, Attributes.of(TelemetryAttributes.AGENT_ID, agent.id(),
                TelemetryAttributes.CLOUD_REGION, agent.region()), span -> {
            Optional<LeaseGrant> granted = waitForWork(agent, waitSeconds);
            span.set(TelemetryAttributes.DISPATCH_OUTCOME, granted.isPresent() ? "leased" : "none");
            granted.ifPresent(g -> span.setAll(TelemetryAttributes.job(g.job())).set(TelemetryAttributes.LEASE_EPOCH, g.epoch()));
            return granted;
        });
        grant.ifPresent(g -> telemetry.describe(g.job()));
        return grant;
    }

    private Optional<LeaseGrant> waitForWork(Agent agent, int waitSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(0, Math.min(MAX_WAIT_SECONDS, waitSeconds))).toNanos();
        Agent known = agent;
        while (true) {
            long seen = signal.version(agent.region());
            Optional<LeaseGrant> grant = tryClaim(known == null ? agents.store().find(agent.region(), agent.id()).orElse(null) : known);
            known = null;
            if (grant.isPresent()) {
                return grant;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            signal.await(agent.region(), seen, Duration.ofNanos(Math.min(left, settings.pollInterval().toNanos())));
        }
    }

    /** One attempt to claim the best admissible job for the agent; empty when none fits now. */
    public Optional<LeaseGrant> tryClaim(String agentId, String region) {
        return telemetry.inSpan(DISPATCH_SPAN, Attributes.of(TelemetryAttributes.AGENT_ID, agentId,
                TelemetryAttributes.CLOUD_REGION, region), span -> {
            Optional<LeaseGrant> granted = tryClaim(agents.store().find(region, agentId).orElse(null));
            span.set(TelemetryAttributes.DISPATCH_OUTCOME, granted.isPresent() ? "leased" : "none");
            granted.ifPresent(g -> span.setAll(TelemetryAttributes.job(g.job())).set(TelemetryAttributes.LEASE_EPOCH, g.epoch()));
            return granted;
        });
    }

    private Optional<LeaseGrant> tryClaim(Agent current) {
        if (current == null) {
            return Optional.empty();
        }
        Agent agent = current;
        String region = agent.region();
        Instant now = clock.instant();
        if (agent.lastHeartbeatAt() == null || agent.lastHeartbeatAt().plus(settings.heartbeatInterval()).isBefore(now)) {
            // Asking for work proves the agent is alive; refresh rarely, not on every poll.
            agent = agents.modify(agent, a -> a.withHeartbeat(now));
        }
        if (!agent.canTakeWork(now, settings.agentOfflineAfter())) {
            return Optional.empty();
        }
        Optional<Agent.Hold> hold = agent.hold(now);
        if (hold.isPresent() || agent.heldFor() != null) {
            // This agent's slot was freed by preemption for a waiting job: that job comes first.
            Optional<Job> held = hold.flatMap(h -> jobs.find(h.tenantId(), h.jobId()))
                    .filter(j -> j.state() == JobState.Queued);
            if (held.isPresent()) {
                Claim claim = claim(agent, ReadyEntry.of(held.get(), null, now), now);
                if (claim.grant().isPresent()) {
                    return claim.grant();
                }
            }
            // Clear only the hold this claim saw: a preemption may have held the agent anew meanwhile.
            Agent.Hold seen = agent.heldFor();
            agent = agents.modify(agents.store().find(region, agent.id()).orElse(agent),
                    a -> a.heldFor() != null && a.heldFor().equals(seen) ? a.withHold(null) : a);
            if (agent.hold(now).isPresent()) {
                return Optional.empty(); // held for another job now: that job comes first, at the next try
            }
        }
        PoolDirectory directory = pools.directory();
        List<ReadyEntry> heads = ready.heads(region, settings.headsPerTier());
        final Agent asked = agent;
        List<ReadyEntry> candidates = policy.order(heads.stream()
                .filter(e -> policy.admits(asked, e, directory, now)).toList(), now);
        Attempt attempt = tryEach(candidates, agent, now);
        if (attempt.grant().isPresent() || attempt.agent() == null) {
            return attempt.grant();
        }
        return deepScan(attempt.agent(), heads, directory, now);
    }

    private record Attempt(Optional<LeaseGrant> grant, Agent agent) {
    }

    private Attempt tryEach(List<ReadyEntry> ordered, Agent agent, Instant now) {
        Agent current = agent;
        List<ReadyEntry> candidates = new java.util.ArrayList<>(ordered);
        for (int i = 0; i < candidates.size(); i++) {
            if (i == 1) {
                spreadLosers(candidates, now);
            }
            Claim claim = claim(current, candidates.get(i), now);
            if (claim.grant().isPresent()) {
                return new Attempt(claim.grant(), current);
            }
            if (claim.agentChanged()) {
                current = agents.store().find(agent.region(), agent.id()).orElse(null);
                if (current == null || !current.canTakeWork(now, settings.agentOfflineAfter())) {
                    return new Attempt(Optional.empty(), null);
                }
            }
        }
        return new Attempt(Optional.empty(), current);
    }

    /**
     * The best candidate went to someone else: many agents are claiming at once. Shuffle the next
     * candidates of the same effective tier, so the losers spread out instead of all racing for the
     * next one in line (tier order still holds; only equals trade places).
     */
    private void spreadLosers(List<ReadyEntry> candidates, Instant now) {
        int rank = policy.effectiveRank(candidates.get(1), now);
        int end = 1;
        while (end < candidates.size() && policy.effectiveRank(candidates.get(end), now) == rank) {
            end++;
        }
        java.util.Collections.shuffle(candidates.subList(1, end));
    }

    /**
     * Nothing at the heads fits this agent (say, they all need a capability it lacks): read further
     * into each tier, a page at a time and bounded, so such jobs never hide admissible ones behind them.
     */
    private Optional<LeaseGrant> deepScan(Agent agent, List<ReadyEntry> heads, PoolDirectory directory, Instant now) {
        for (Tier tier : new Tier[] {Tier.Platinum, Tier.Premium, Tier.Standard}) {
            List<ReadyEntry> ofTier = heads.stream().filter(e -> e.tier() == tier).toList();
            if (ofTier.size() < settings.headsPerTier()) {
                continue; // the head already held the whole tier
            }
            String after = ofTier.get(ofTier.size() - 1).key();
            int scanned = 0;
            while (scanned < settings.maxScanPerTier()) {
                List<ReadyEntry> page = ready.page(agent.region(), tier, after, DEEP_PAGE);
                if (page.isEmpty()) {
                    break;
                }
                scanned += page.size();
                after = page.get(page.size() - 1).key();
                final Agent asked = agent;
                Attempt attempt = tryEach(page.stream().filter(e -> policy.admits(asked, e, directory, now)).toList(), agent, now);
                if (attempt.grant().isPresent() || attempt.agent() == null) {
                    return attempt.grant();
                }
                agent = attempt.agent();
            }
        }
        return Optional.empty();
    }

    /** A claim's outcome; {@code agentChanged} when the agent record was written (re-read it). */
    private record Claim(Optional<LeaseGrant> grant, boolean agentChanged) {
        static final Claim NONE = new Claim(Optional.empty(), false);
    }

    private Claim claim(Agent agent, ReadyEntry entry, Instant now) {
        Optional<Job> found = jobs.find(entry.tenantId(), entry.jobId());
        if (found.isEmpty() || found.get().state() != JobState.Queued) {
            dropIfStale(entry, now);
            return Claim.NONE;
        }
        Job job = found.get();
        long epoch = job.epoch() + 1;
        String leaseId = LeaseIds.newLeaseId(job.tenantId(), job.id(), epoch);
        Instant expiresAt = now.plus(settings.leaseDuration());
        AgentLease reservation = new AgentLease(leaseId, job.tenantId(), job.id(), epoch, now, expiresAt);
        Agent reserved;
        try {
            reserved = agents.modify(agent, a -> {
                if (!a.canTakeWork(now, settings.agentOfflineAfter())) {
                    return a;
                }
                Agent r = a.withLease(reservation);
                return r.heldFor() != null && r.heldFor().jobId().equals(job.id()) ? r.withHold(null) : r;
            });
        } catch (ConcurrencyConflictException e) {
            return new Claim(Optional.empty(), true);
        }
        if (reserved.lease(leaseId).isEmpty()) {
            return new Claim(Optional.empty(), true); // no free slot any more
        }
        // Indexed before the job is leased, so no lease is ever without its entry (the reconcile
        // backstop finds an expired lease there, whatever the agent records say).
        expiries.add(new LeaseExpiries.Due(agent.region(), expiresAt, job.tenantId(), job.id(), epoch, leaseId));
        Job.Transition assigned = job.assign(agent.id(), leaseId, expiresAt, now);
        Job stored;
        try {
            stored = jobs.update(assigned.job(), List.of(assigned.entry()));
        } catch (ConcurrencyConflictException | JobNotFoundException lost) {
            Optional<Job> confirmed = confirmedClaim(job, leaseId);
            if (confirmed.isPresent()) {
                stored = confirmed.get();
            } else {
                // Another agent (or an operator) got there first: give the slot back.
                agents.modify(reserved, a -> a.lease(leaseId).isPresent() ? a.withoutLease(leaseId) : a);
                return new Claim(Optional.empty(), true);
            }
        }
        // The entry is stale from now on (claims skip a job that is not queued): drop it off the hot
        // path, if it is still the version read. An entry made up for a held job (no ETag) is not:
        // deleting by key alone, late on a busy pool, could delete the entry the job's next return
        // to the queue writes (same key). Reconciliation removes that stale entry after its grace.
        if (entry.etag() != null) {
            background.execute(() -> ready.remove(entry));
        }
        LOG.info("event=leased jobId={} tenant={} tier={} region={} agentId={} epoch={} attempt={}", job.id(), job.tenantId(),
                job.spec().tier(), job.spec().region(), agent.id(), epoch, stored.attempt());
        telemetry.metrics().jobLeased(stored, Duration.between(queuedSince(job, entry), now));
        List<io.controlplane.domain.Checkpoint> checkpoints = job.attempt() > 0 || job.lastCheckpointAt() != null
                ? jobs.checkpoints(job.tenantId(), job.id()) : List.of();
        boolean resumed = job.attempt() > 0 || job.progress().percent() > 0 || !checkpoints.isEmpty();
        return new Claim(Optional.of(new LeaseGrant(stored, leaseId, epoch, expiresAt, resumed, checkpoints)), true);
    }

    /**
     * The job as stored, if it holds this claim's lease after all: the write committed, its answer
     * was lost, and the retry met a row that a heartbeat or a preemption pass had changed again
     * meanwhile, so it was reported as a conflict. The lease id is new with each claim, so only this
     * claim can have written it.
     */
    private Optional<Job> confirmedClaim(Job job, String leaseId) {
        try {
            return jobs.find(job.tenantId(), job.id()).filter(j -> j.holdsLease(leaseId));
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
