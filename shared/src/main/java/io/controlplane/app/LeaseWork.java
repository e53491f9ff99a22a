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
import java.util.concurrent.CompletableFuture;
import io.controlplane.telemetry.TracedSpan;
import io.opentelemetry.api.trace.Span;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent asks for work: it gets the best job it may run (tier, aging, region, capabilities,
 * pool), or waits up to {@code waitSeconds} for one (long poll: parked without a thread, woken
 * at once by local submissions and intake messages, otherwise by its region's periodic re-check).
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
    private final LongPolls polls;

    /** The span of one lease request's dispatch: the claim, including the long-poll wait. */
    public static final String DISPATCH_SPAN = "controlplane.dispatch";

    public LeaseWork(AgentRecords agents, JobStore jobs, ReadyQueue ready, DispatchPolicy policy, Pools pools,
                     ReadySignal signal, DispatchSettings settings, Clock clock, java.util.concurrent.Executor background,
                     Telemetry telemetry, LeaseExpiries expiries, LongPolls polls) {
        this.polls = polls;
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
        polls.select(this::worthWaking);
    }

    /**
     * The blocking form (the Functions host, tests): {@link #leaseAsync}, waited for. Interrupting
     * the caller unparks its poll.
     */
    public Optional<LeaseGrant> lease(Caller caller, String agentId, int waitSeconds) throws InterruptedException {
        CompletableFuture<Optional<LeaseGrant>> lease = leaseAsync(caller, agentId, waitSeconds);
        try {
            return lease.get();
        } catch (InterruptedException e) {
            lease.cancel(false);
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * An agent's long poll: one claim now; if nothing fits, the poll is parked ({@link LongPolls},
     * no thread held) and claims again each time its region is signalled, until it gets a lease,
     * {@code waitSeconds} pass or the host stops (then it completes empty). The ownership check
     * and the first claim run on the caller's thread, so a refused agent fails at once.
     */
    public CompletableFuture<Optional<LeaseGrant>> leaseAsync(Caller caller, String agentId, int waitSeconds) {
        Agent agent = agents.own(caller, agentId);
        Span request = Span.current();
        Span dispatch = telemetry.startDetached(DISPATCH_SPAN, io.opentelemetry.api.trace.SpanKind.INTERNAL,
                io.opentelemetry.context.Context.current(), Attributes.of(TelemetryAttributes.AGENT_ID, agent.id(),
                        TelemetryAttributes.CLOUD_REGION, agent.region()));
        CompletableFuture<Optional<LeaseGrant>> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(0, Math.min(MAX_WAIT_SECONDS, waitSeconds))).toNanos();
        // The dispatch span is current on this thread only while the first claim runs; later claims
        // make it current on theirs.
        try (TracedSpan ignored = telemetry.resume(dispatch)) {
            new Poll(agent, deadline, result, dispatch).attempt(agent);
        }
        result.whenComplete((granted, failure) -> {
            if (failure instanceof java.util.concurrent.CancellationException) {
                dispatch.setAttribute(TelemetryAttributes.DISPATCH_OUTCOME, "abandoned");
            } else if (failure != null) {
                dispatch.recordException(failure);
                dispatch.setAttribute(TelemetryAttributes.ERROR_TYPE, failure.getClass().getName());
                dispatch.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR);
            } else if (granted != null) {
                dispatch.setAttribute(TelemetryAttributes.DISPATCH_OUTCOME, granted.isPresent() ? "leased" : "none");
                granted.ifPresent(g -> {
                    dispatch.setAllAttributes(TelemetryAttributes.job(g.job()));
                    dispatch.setAttribute(TelemetryAttributes.LEASE_EPOCH, g.epoch());
                    telemetry.describe(request, g.job());
                });
            }
            dispatch.end();
        });
        // The poll itself, not a stage after it: cancelling it (a caller that stops waiting) unparks it.
        return result;
    }

    /** One long poll between claims: what it waits for, and its answer. */
    private final class Poll {
        private final Agent agent;
        private final long deadline;
        private final CompletableFuture<Optional<LeaseGrant>> result;
        private final Span dispatch;
        private volatile LongPolls.Parked parked;

        Poll(Agent agent, long deadline, CompletableFuture<Optional<LeaseGrant>> result, Span dispatch) {
            this.agent = agent;
            this.deadline = deadline;
            this.result = result;
            this.dispatch = dispatch;
            // A poll given up by its caller (a cancelled or interrupted wait) leaves the registry.
            result.whenComplete((r, e) -> {
                LongPolls.Parked p = parked;
                if (p != null) {
                    p.complete(LongPolls.Wake.STOPPING);
                }
            });
        }

        /** Claims once ({@code known}: the agent as just read, else re-read); parks if nothing fits. */
        void attempt(Agent known) {
            if (result.isDone()) {
                return;
            }
            if (polls.stopping()) {
                result.complete(Optional.empty());
                return;
            }
            long seen = signal.version(agent.region());
            Optional<LeaseGrant> grant;
            try {
                grant = tryClaim(known != null ? known : agents.store().find(agent.region(), agent.id()).orElse(null));
            } catch (RuntimeException | Error e) {
                if (polls.stopping() && e instanceof RuntimeException) {
                    // Storage going away with the host: the agent asks again, elsewhere or later.
                    result.complete(Optional.empty());
                } else {
                    result.completeExceptionally(e);
                }
                return;
            }
            long left = deadline - System.nanoTime();
            if (grant.isPresent() || left <= 0) {
                if (!result.complete(grant) && grant.isPresent()) {
                    // Its caller is gone (stopped waiting): the lease runs out and the job is requeued.
                    LOG.info("event=lease_unanswered jobId={} agentId={}", grant.get().job().id(), agent.id());
                }
                return;
            }
            LongPolls.Parked p = polls.park(agent.region(), agent.id(), agent, seen, Duration.ofNanos(left));
            parked = p;
            if (result.isDone()) {
                p.complete(LongPolls.Wake.STOPPING);
                return;
            }
            p.woken().thenAcceptAsync(why -> {
                if (why == LongPolls.Wake.SIGNALLED) {
                    try (TracedSpan ignored = telemetry.resume(dispatch)) {
                        attempt(null);
                    }
                } else {
                    result.complete(Optional.empty());
                }
            }, polls.executor());
        }
    }

    /** However much is ready, a look wakes at least this many polls that may take it. */
    private static final int MIN_WAKE = 8;

    /**
     * Which parked polls of a region to wake, from one read of its ready heads: the oldest polls
     * whose agent may take one of the ready jobs (the dispatch rules, on the agent as it asked), two
     * per ready job and at least {@link #MIN_WAKE}, so one submission wakes a few agents, not the
     * fleet. When nothing at the heads fits anyone but a tier's heads are full, a few polls are
     * woken anyway: their claim's deep scan reads past the heads.
     */
    List<LongPolls.Parked> worthWaking(String region, List<LongPolls.Parked> parked) {
        Instant now = clock.instant();
        List<ReadyEntry> heads = ready.heads(region, settings.headsPerTier());
        List<ReadyEntry> eligible = heads.stream().filter(e -> !e.isHeldBack(now)).toList();
        if (eligible.isEmpty()) {
            return List.of();
        }
        PoolDirectory directory = pools.directory();
        int budget = Math.max(MIN_WAKE, 2 * eligible.size());
        List<LongPolls.Parked> chosen = new java.util.ArrayList<>();
        for (LongPolls.Parked p : parked) {
            if (chosen.size() >= budget) {
                break;
            }
            if (!(p.waiter() instanceof Agent a) || eligible.stream().anyMatch(e -> policy.admits(a, e, directory, now))) {
                chosen.add(p);
            }
        }
        boolean headsFull = java.util.Arrays.stream(Tier.values())
                .anyMatch(t -> heads.stream().filter(e -> e.tier() == t).count() >= settings.headsPerTier());
        if (chosen.isEmpty() && headsFull) {
            return parked.subList(0, Math.min(MIN_WAKE, parked.size()));
        }
        return chosen;
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
