package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.ports.AgentCommand;
import io.controlplane.ports.JobStore;
import io.controlplane.scheduling.PoolDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An agent's heartbeat: proves it alive, extends each lease it works on, and answers one command
 * per lease. Everything it needs is on the agent's record: the leases with their expiries, and the
 * stops asked of them (preempt, pause, cancel), written there by whoever decided them beside the
 * job's own change ({@link AgentLease#stop()}). So a busy agent's beat reads and writes that one
 * record, whatever the number of leases (ADR 0009); only a lease's first beat looks at its job, to
 * confirm the claim and start the job (Assigned → Running). The lease's expiry on the record is
 * what the fence and the reconcile pass go by once the claim's expiry on the job row has passed.
 *
 * <p>A lease that merely expired stays on the record, is answered {@code cancel} (reason
 * {@code lease-lost}), and the reconcile pass requeues its job and frees the slot. When the agent
 * names the leases it works on, only those are extended: one it no longer names (it gave the job
 * up, or it is the same agent id started again and the lease was its previous run's) is left to
 * expire like the lease of a silent agent, and leaves the record once expired; the lease-expiry
 * index brings its job back to the queue.
 */
public final class AgentHeartbeat implements AutoCloseable {

    /** The answer: a command per lease, and the timings the agent should keep. */
    public record Beat(List<AgentCommand> commands, long heartbeatIntervalSeconds, long leaseDurationSeconds) {

        /** Whether every lease is told to go on (nothing to stop). */
        boolean allContinue() {
            return commands.stream().allMatch(c -> c.proceeds());
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
    private final Pools pools;

    public AgentHeartbeat(AgentRecords agents, JobStore jobs, DispatchSettings settings, Clock clock, LeaseAccess leases,
                          PushedCommands pushed, Pools pools) {
        this.pools = pools;
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
    public CompletableFuture<Beat> beatAsync(Caller caller, String agentId, List<String> named,
                                                                  int waitSeconds) {
        Beat beat = beat(caller, agentId, named);
        if (waitSeconds <= 0 || !beat.allContinue()) {
            return CompletableFuture.completedFuture(beat);
        }
        return pushed.await(agentId, Duration.ofSeconds(Math.min(waitSeconds, MAX_WAIT_SECONDS))).thenApply(beat::with);
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
        // A busy agent's record is written each beat, conditional on the version this instance
        // last saw: its own write of the previous beat when the agent heartbeats here, else a read.
        // A record changed elsewhere since (a stop asked, a claim) fails the write, and the beat is
        // made again on the record as read. One or two requests, whatever the number of leases. An
        // idle agent is answered from this instance's copy.
        Agent agent = record(caller, agentId, named);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.leaseDuration());
        // A lease's first beat confirms it with its job (and starts the job): once per lease.
        Map<String, Confirmed> confirmed = new HashMap<>();
        for (AgentLease lease : agent.leases()) {
            if ((named == null || named.contains(lease.leaseId())) && !lease.started() && lease.holdsAt(now) && !lease.cancelled()) {
                confirmed.put(lease.leaseId(), confirm(lease, now));
            }
        }
        List<AgentCommand> answer = new ArrayList<>();
        PoolDirectory directory = pools.directory();
        agents.modify(agent, a -> {
            answer.clear();
            Agent next = a;
            for (AgentLease lease : a.leases()) {
                String id = lease.leaseId();
                Confirmed seen = confirmed.get(id);
                if (named != null && !named.contains(id)) {
                    // Not worked on: left to expire like a silent agent's lease (the reconcile pass
                    // requeues its job from the expiry index); once expired, it frees its slot here.
                    if (lease.cancelled() || !lease.holdsAt(now) && lease.reservedAt().plus(settings.staleEntryGrace()).isBefore(now)) {
                        next = next.withoutLease(id);
                    }
                    continue;
                }
                if (seen == Confirmed.LOST) {
                    next = next.withoutLease(id); // a reservation its job never confirmed: the claim failed
                    answer.add(AgentCommand.cancel(id, lease.jobId(), "lease-lost"));
                } else if (lease.cancelled()) {
                    next = next.withoutLease(id);
                    answer.add(AgentCommand.cancel(id, lease.jobId(), "cancelled"));
                } else if (!lease.holdsAt(now)) {
                    // Expired: writes with it are refused already. It stays on the record for the
                    // reconcile pass, which requeues the job (new epoch) and frees the slot.
                    answer.add(AgentCommand.cancel(id, lease.jobId(), "lease-lost"));
                } else if (seen != Confirmed.IN_FLIGHT) {
                    // A claim still in flight (its job does not name it yet) gets no command: the agent
                    // has not received it.
                    AgentLease extended = lease.extendedTo(expiresAt);
                    if (seen != null) {
                        extended = extended.asStarted();
                        if (extended.stop() == null && seen.stop != null) {
                            extended = extended.withStop(seen.stop); // asked before the record said so
                        }
                    }
                    AgentLease changed = extended;
                    next = next.withLeaseChanged(id, l -> changed);
                    answer.add(backOff(commandFor(changed, expiresAt), changed, directory, now));
                }
            }
            for (String leaseId : named == null ? List.<String>of() : named) {
                if (a.lease(leaseId).isEmpty()) {
                    answer.add(AgentCommand.cancel(leaseId, null, "lease-lost"));
                }
            }
            boolean beatDue = a.lastHeartbeatAt() == null || !a.lastHeartbeatAt().plus(settings.heartbeatWriteAfter()).isAfter(now);
            if (next == a && !beatDue) {
                return a; // idle, recent enough: no write (an idle agent's record is written every other beat)
            }
            return next.withHeartbeat(now);
        });
        return new Beat(List.copyOf(answer), settings.heartbeatInterval().toSeconds(), settings.leaseDuration().toSeconds());
    }

    /**
     * The record the beat is made on. Without a lease list: read. An idle agent: this instance's
     * copy. A busy one: the copy only while it is this instance's own write of the agent's previous
     * beat (younger than one and a half beats) and lists every lease named, else read.
     */
    private Agent record(Caller caller, String agentId, List<String> named) {
        if (named == null) {
            return agents.own(caller, agentId);
        }
        Agent recent = agents.ownRecent(caller, agentId, settings.agentRecordReuse());
        if (recent.leases().isEmpty() && named.isEmpty()) {
            return recent;
        }
        return named.stream().allMatch(id -> recent.lease(id).isPresent())
                ? agents.ownRecent(caller, agentId, settings.heartbeatInterval().multipliedBy(3).dividedBy(2))
                : agents.own(caller, agentId);
    }

    /** What a lease's first beat found in its job. */
    private static final class Confirmed {
        static final Confirmed LOST = new Confirmed(null);
        static final Confirmed IN_FLIGHT = new Confirmed(null);
        /** A stop the job asks (Preempting, Pausing), or null. */
        final AgentLease.Stop stop;

        Confirmed(AgentLease.Stop stop) {
            this.stop = stop;
        }
    }

    /**
     * The job of a lease not yet confirmed, as this instance last saw it or read: it holds the lease
     * (started now if Assigned), or does not yet (a claim in flight), or never will (a claim that
     * failed, past the stale-entry grace).
     */
    private Confirmed confirm(AgentLease lease, Instant now) {
        for (int attempt = 0; attempt < AgentRecords.MAX_ATTEMPTS; attempt++) {
            Optional<Job> found = Optional.ofNullable(attempt == 0 ? leases.known(lease.leaseId()) : null)
                    .or(() -> jobs.find(lease.tenantId(), lease.jobId()));
            if (found.isEmpty() || !found.get().holdsLease(lease.leaseId())) {
                return lease.reservedAt().plus(settings.staleEntryGrace()).isBefore(now) ? Confirmed.LOST : Confirmed.IN_FLIGHT;
            }
            Job job = found.get();
            if (job.state() != JobState.Assigned) {
                return new Confirmed(stopOf(job));
            }
            try {
                Job.Transition started = job.start(now);
                leases.remember(jobs.update(started.job(), List.of(started.entry())));
                return new Confirmed(null);
            } catch (ConcurrencyConflictException raced) {
                leases.forget(lease.leaseId()); // changed meanwhile: read it again
            }
        }
        return Confirmed.IN_FLIGHT; // kept changing: the next beat tries again
    }

    /** The stop a job asks of its lease, as the agent's record keeps it (null when it asks none). */
    static AgentLease.Stop stopOf(Job job) {
        return switch (job.state()) {
            case Preempting -> new AgentLease.Stop(AgentLease.Stop.PREEMPT, job.stopDeadline(), PREEMPT_REASON);
            case Pausing -> new AgentLease.Stop(AgentLease.Stop.PAUSE, job.stopDeadline(), PAUSE_REASON);
            default -> null;
        };
    }

    static final String PREEMPT_REASON = "a higher-tier job needs this agent: write a final checkpoint and release (reason preempted)";
    static final String PAUSE_REASON = "paused by an operator: write a final checkpoint and release (reason paused)";

    /**
     * A lease that goes on against an organisation backing off (it answered HTTP 429 to one of the
     * agents) is told until when: the longest back-off of its organisations.
     */
    private static AgentCommand backOff(AgentCommand command, AgentLease lease, PoolDirectory directory,
                                        Instant now) {
        if (!command.proceeds()) {
            return command;
        }
        AgentCommand.BackOff longest = null;
        for (String organisation : lease.organisations()) {
            var throttle = directory.throttleOf(organisation).filter(t -> t.backingOff(now));
            if (throttle.isPresent() && (longest == null || throttle.get().until().isAfter(longest.until()))) {
                longest = new AgentCommand.BackOff(organisation, throttle.get().until(),
                        (Duration.between(now, throttle.get().until()).toMillis() + 999) / 1000);
            }
        }
        return longest == null ? command : command.withBackOff(longest);
    }

    private static AgentCommand commandFor(AgentLease lease, Instant expiresAt) {
        AgentLease.Stop stop = lease.stop();
        return stop == null ? AgentCommand.proceed(lease.leaseId(), lease.jobId(), expiresAt)
                : AgentCommand.stop(stop, lease.leaseId(), lease.jobId());
    }
}
