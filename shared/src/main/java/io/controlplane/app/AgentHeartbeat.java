package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An agent's heartbeat: proves it alive, extends each lease it still holds, and answers one
 * command per lease. A lease the job no longer confirms is dropped from the agent's record and
 * answered with {@code cancel} (reason {@code lease-lost}).
 *
 * <p>A lease leaves the agent's record only once its job no longer holds it: the record is where
 * the reconcile pass finds expired leases to requeue, so a lease that merely expired (its job still
 * holds it) stays there, is answered {@code cancel}, and the next reconcile pass requeues its job
 * and frees the slot. When the agent names the leases it works on, only those are extended: one it
 * no longer names (it gave the job up, or it is the same agent id started again and the lease was
 * its previous run's) is left to expire like the lease of a silent agent.
 */
public final class AgentHeartbeat implements AutoCloseable {

    /** The answer: a command per lease, and the timings the agent should keep. */
    public record Beat(List<AgentCommand> commands, long heartbeatIntervalSeconds, long leaseDurationSeconds) {

        /** Whether every lease is told to go on (nothing to stop). */
        boolean allContinue() {
            return commands.stream().allMatch(c -> AgentCommand.CONTINUE.equals(c.type()));
        }

        /** The same answer with the commands pushed meanwhile in place of those of their leases. */
        Beat with(List<AgentCommand> pushed) {
            List<AgentCommand> merged = new ArrayList<>(commands);
            for (AgentCommand command : pushed) {
                merged.replaceAll(c -> c.leaseId().equals(command.leaseId()) ? command : c);
            }
            return new Beat(List.copyOf(merged), heartbeatIntervalSeconds, leaseDurationSeconds);
        }
    }

    /** The longest a heartbeat may wait for a pushed command. */
    public static final int MAX_WAIT_SECONDS = 30;

    /** A lease its job still holds: the job as stored now, and whether this heartbeat extended it. */
    private record Held(Job job, boolean extended) {
    }

    private final AgentRecords agents;
    private final JobStore jobs;
    private final DispatchSettings settings;
    private final Clock clock;

    private final LeaseAccess leases;
    private final PushedCommands pushed;

    public AgentHeartbeat(AgentRecords agents, JobStore jobs, DispatchSettings settings, Clock clock, LeaseAccess leases,
                          PushedCommands pushed) {
        this.leases = leases;
        this.pushed = pushed;
        this.agents = agents;
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * A heartbeat that waits: answered at once when a lease is to stop, else parked (no thread)
     * for up to {@code waitSeconds} until a command for one of the agent's leases is pushed on this
     * instance (a preemption, pause or cancel), or the wait ends (an agent without leases waits
     * too: the cadence of its heartbeats stays the wait). The beat itself (the leases
     * extended, the record written) is made when it arrives, as without a wait: the wait costs no
     * storage request. {@code waitSeconds} 0: as {@link #beat(Caller, String, List)}.
     */
    public java.util.concurrent.CompletableFuture<Beat> beatAsync(Caller caller, String agentId, List<String> named,
                                                                  int waitSeconds) {
        Beat beat = beat(caller, agentId, named);
        if (waitSeconds <= 0 || !beat.allContinue()) {
            return java.util.concurrent.CompletableFuture.completedFuture(beat);
        }
        return pushed.await(agentId, java.time.Duration.ofSeconds(Math.min(waitSeconds, MAX_WAIT_SECONDS))).thenApply(beat::with);
    }

    /** The host is stopping: parked heartbeats are answered now, new ones at once. */
    public void stopWaiting() {
        pushed.stop();
    }

    /** Ends the parked heartbeats' registry. */
    @Override
    public void close() {
        pushed.close();
    }

    /** A heartbeat that does not say which leases the agent works on: every lease it holds is extended. */
    public Beat beat(Caller caller, String agentId) {
        return beat(caller, agentId, null);
    }

    /**
     * @param named lease ids the agent says it works on, or null when it does not say. Only these
     *     are extended; one this agent no longer holds (revoked by reconciliation, completed
     *     elsewhere) is answered {@code cancel} with reason {@code lease-lost}.
     */
    public Beat beat(Caller caller, String agentId, List<String> named) {
        // An agent that names its leases may be answered from this instance's copy of its record,
        // unless the copy lacks one of them (leased elsewhere): then, and without names, it is read.
        Agent recent = named == null ? agents.own(caller, agentId) : agents.ownRecent(caller, agentId, settings.agentRecordReuse());
        Agent agent = named == null || named.stream().allMatch(id -> recent.lease(id).isPresent()) ? recent
                : agents.own(caller, agentId);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.leaseDuration());
        List<AgentCommand> commands = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        List<String> extended = new ArrayList<>();
        for (AgentLease lease : agent.leases()) {
            boolean worked = named == null || named.contains(lease.leaseId());
            Optional<Held> held = holdAndExtend(lease, worked ? expiresAt : null, now);
            if (held.isPresent()) {
                Job job = held.get().job();
                if (held.get().extended()) {
                    extended.add(lease.leaseId());
                    commands.add(commandFor(job, lease, expiresAt));
                } else if (!worked) {
                    continue;
                } else if (job.leaseExpiresAt().isBefore(now)) {
                    // Expired: writes with it are refused already. It stays on the record for the
                    // reconcile pass, which requeues the job (new epoch) and frees the slot.
                    commands.add(AgentCommand.cancel(lease.leaseId(), lease.jobId(), "lease-lost"));
                } else {
                    commands.add(commandFor(job, lease, job.leaseExpiresAt())); // not extended this beat (time enough left, or contended)
                }
                // A lease the agent does not name gets no command: it may be a claim whose answer
                // is still on its way to the agent, which names it from its next heartbeat on.
            } else if (cancelled(lease)) {
                lost.add(lease.leaseId());
                commands.add(AgentCommand.cancel(lease.leaseId(), lease.jobId(), "cancelled"));
            } else if (lease.expiresAt().isBefore(now) || lease.reservedAt().plus(settings.staleEntryGrace()).isBefore(now)) {
                // Old enough that it is not a claim still in flight: the lease is gone.
                lost.add(lease.leaseId());
                commands.add(AgentCommand.cancel(lease.leaseId(), lease.jobId(), "lease-lost"));
            }
        }
        for (String leaseId : named == null ? List.<String>of() : named) {
            if (agent.lease(leaseId).isEmpty() && commands.stream().noneMatch(c -> c.leaseId().equals(leaseId))) {
                commands.add(AgentCommand.cancel(leaseId, null, "lease-lost"));
            }
        }
        agents.modify(agent, a -> {
            boolean leasesChange = a.leases().stream().anyMatch(l -> lost.contains(l.leaseId()) || extended.contains(l.leaseId()));
            boolean beatDue = a.lastHeartbeatAt() == null || !a.lastHeartbeatAt().plus(settings.heartbeatWriteAfter()).isAfter(now);
            if (!leasesChange && !beatDue) {
                return a; // recent enough, nothing else to say: no write (an idle agent's record is written every other beat)
            }
            Agent beat = a.withHeartbeat(now);
            for (String leaseId : lost) {
                beat = beat.withoutLease(leaseId);
            }
            List<AgentLease> refreshed = beat.leases().stream()
                    .map(l -> !extended.contains(l.leaseId()) ? l
                            : new AgentLease(l.leaseId(), l.tenantId(), l.jobId(), l.epoch(), l.reservedAt(), expiresAt))
                    .toList();
            return beat.withLeases(refreshed);
        });
        return new Beat(commands, settings.heartbeatInterval().toSeconds(), settings.leaseDuration().toSeconds());
    }

    private static AgentCommand commandFor(Job job, AgentLease lease, Instant expiresAt) {
        return switch (job.state()) {
            case Preempting -> new AgentCommand("preempt", lease.leaseId(), job.id(), job.stopDeadline(),
                    "a higher-tier job needs this agent: write a final checkpoint and release (reason preempted)");
            case Pausing -> new AgentCommand("pause", lease.leaseId(), job.id(), job.stopDeadline(),
                    "paused by an operator: write a final checkpoint and release (reason paused)");
            default -> AgentCommand.proceed(lease.leaseId(), job.id(), expiresAt);
        };
    }

    private boolean cancelled(AgentLease lease) {
        return jobs.find(lease.tenantId(), lease.jobId())
                .filter(j -> j.state() == JobState.Cancelled && lease.leaseId().equals(j.leaseId()))
                .isPresent();
    }

    /**
     * The job, if it still holds the lease; extended to {@code expiresAt} (and started) unless that
     * is null or the lease has expired. Empty when the job no longer holds the lease.
     */
    private Optional<Held> holdAndExtend(AgentLease lease, Instant expiresAt, Instant now) {
        Job job = null;
        for (int attempt = 0; attempt < AgentRecords.MAX_ATTEMPTS; attempt++) {
            Optional<Job> found = jobs.find(lease.tenantId(), lease.jobId());
            if (found.isEmpty() || !found.get().holdsLease(lease.leaseId())) {
                return Optional.empty();
            }
            job = found.get();
            leases.remember(job); // the lease's next write (a release after a stop, say) checks against this version
            if (expiresAt == null || job.leaseExpiresAt().isBefore(now)) {
                return Optional.of(new Held(job, false));
            }
            if (job.state() != JobState.Assigned
                    && job.leaseExpiresAt().isAfter(now.plus(settings.leaseExtensionDueWithin()))) {
                // Time enough left (at least two beats more than the extension's threshold): no write
                // this beat; the next one or the one after extends it.
                return Optional.of(new Held(job, false));
            }
            try {
                Job stored;
                if (job.state() == JobState.Assigned) {
                    Job.Transition started = job.extendLease(expiresAt, now).start(now);
                    stored = jobs.update(started.job(), List.of(started.entry()));
                } else {
                    stored = jobs.update(job.extendLease(expiresAt, now), List.of());
                }
                leases.remember(stored);
                return Optional.of(new Held(stored, true));
            } catch (ConcurrencyConflictException raced) {
                // progress or an operator changed the job meanwhile: read again
            }
        }
        return Optional.of(new Held(job, false));
    }
}
