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
 */
public final class AgentHeartbeat {

    /** The answer: a command per lease, and the timings the agent should keep. */
    public record Beat(List<AgentCommand> commands, long heartbeatIntervalSeconds, long leaseDurationSeconds) {
    }

    private final AgentRecords agents;
    private final JobStore jobs;
    private final DispatchSettings settings;
    private final Clock clock;

    public AgentHeartbeat(AgentRecords agents, JobStore jobs, DispatchSettings settings, Clock clock) {
        this.agents = agents;
        this.jobs = jobs;
        this.settings = settings;
        this.clock = clock;
    }

    public Beat beat(Caller caller, String agentId) {
        return beat(caller, agentId, List.of());
    }

    /**
     * @param believed lease ids the agent says it holds; one this agent no longer holds (revoked by
     *     reconciliation, completed elsewhere) is answered {@code cancel} with reason {@code lease-lost}
     */
    public Beat beat(Caller caller, String agentId, List<String> believed) {
        Agent agent = agents.own(caller, agentId);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.leaseDuration());
        List<AgentCommand> commands = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (AgentLease lease : agent.leases()) {
            Optional<Job> extended = extend(lease, expiresAt, now);
            if (extended.isPresent()) {
                commands.add(commandFor(extended.get(), lease, expiresAt));
            } else if (cancelled(lease)) {
                lost.add(lease.leaseId());
                commands.add(AgentCommand.cancel(lease.leaseId(), lease.jobId(), "cancelled"));
            } else if (lease.expiresAt().isBefore(now) || lease.reservedAt().plus(settings.staleEntryGrace()).isBefore(now)) {
                // Old enough that it is not a claim still in flight: the lease is gone.
                lost.add(lease.leaseId());
                commands.add(AgentCommand.cancel(lease.leaseId(), lease.jobId(), "lease-lost"));
            }
        }
        for (String leaseId : believed) {
            if (agent.lease(leaseId).isEmpty() && commands.stream().noneMatch(c -> c.leaseId().equals(leaseId))) {
                commands.add(AgentCommand.cancel(leaseId, null, "lease-lost"));
            }
        }
        agents.modify(agent, a -> {
            Agent beat = a.withHeartbeat(now);
            for (String leaseId : lost) {
                beat = beat.withoutLease(leaseId);
            }
            List<AgentLease> refreshed = beat.leases().stream()
                    .map(l -> lost.contains(l.leaseId()) ? l
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

    /** Extends the job's lease if the job still holds it (and starts it); empty when the lease is lost. */
    private Optional<Job> extend(AgentLease lease, Instant expiresAt, Instant now) {
        for (int attempt = 0; attempt < AgentRecords.MAX_ATTEMPTS; attempt++) {
            Optional<Job> found = jobs.find(lease.tenantId(), lease.jobId());
            if (found.isEmpty() || !found.get().holdsLease(lease.leaseId())
                    || found.get().leaseExpiresAt().isBefore(now)) {
                return Optional.empty();
            }
            Job job = found.get();
            try {
                if (job.state() == JobState.Assigned) {
                    Job.Transition started = job.extendLease(expiresAt, now).start(now);
                    return Optional.of(jobs.update(started.job(), List.of(started.entry())));
                }
                return Optional.of(jobs.update(job.extendLease(expiresAt, now), List.of()));
            } catch (ConcurrencyConflictException raced) {
                // progress or an operator changed the job meanwhile: read again
            }
        }
        return Optional.empty();
    }
}
