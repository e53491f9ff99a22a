package io.controlplane.app;

import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Agent;
import io.controlplane.domain.AgentLease;
import io.controlplane.domain.ConcurrencyConflictException;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.ReadyEntry;
import io.controlplane.domain.Tier;
import io.controlplane.ports.AgentChannel;
import io.controlplane.ports.AgentCommand;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.ReadyQueue;
import io.controlplane.scheduling.DispatchPolicy;
import io.controlplane.scheduling.PoolDirectory;
import io.controlplane.scheduling.PreemptionPolicy.Candidate;
import io.controlplane.scheduling.PreemptionPolicy;
import io.controlplane.scheduling.Running;
import io.controlplane.telemetry.Telemetry;
import io.controlplane.telemetry.TelemetryAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes room for Platinum and Premium jobs that cannot be placed: when such a job has waited
 * {@code preemptAfter} and no healthy agent with a free slot may take it, a capable agent running
 * a preemptible lower-tier job is asked to checkpoint and release it (Preempting, with a grace
 * period), and that agent is held for the waiting job. Victim: lowest tier first, then the least
 * work lost since its last checkpoint. Platinum may preempt Premium and Standard, Premium only
 * Standard; jobs with {@code preemptible: false} or preempted {@code preemptionLimit} times are
 * never victims. One victim per waiting job at a time. The rules are pure policy ({@link
 * PreemptionPolicy}) over the dispatcher's view; this reads the candidates' jobs and writes the stop.
 */
public final class Preemption {

    private static final Logger LOG = LoggerFactory.getLogger(Preemption.class);

    /** A decision: {@code victim} is asked to stop for {@code waiting}. */
    public record Decision(String waitingJobId, Tier waitingTier, String victimJobId, Tier victimTier, String agentId) {
    }


    private final AgentRecords agents;
    private final JobStore jobs;
    private final ReadyQueue ready;
    private final DispatchPolicy policy;
    private final Pools pools;
    private final AgentChannel channel;
    private final DispatchSettings settings;
    private final Telemetry telemetry;
    private final Clock clock;

    /** The span of one look at the Platinum and Premium jobs waiting in a region (none when nothing of theirs waits). */
    public static final String CHECK_SPAN = "controlplane.preemption.check";
    /** The span of one victim being asked to stop, under the check. */
    public static final String PREEMPT_SPAN = "controlplane.preempt";
    private static final AttributeKey<Long> DECISIONS = AttributeKey.longKey("controlplane.preemption.decisions");

    private final Dispatcher dispatcher;
    private final LeaseAccess leases;
    /** Whether room is needed, and which job makes it: the pure part. */
    private final PreemptionPolicy rules;

    /** @param dispatcher its view of the region (the fleet, the ready heads) spares reading them on every check */
    public Preemption(AgentRecords agents, JobStore jobs, ReadyQueue ready, DispatchPolicy policy, Pools pools,
                      AgentChannel channel, DispatchSettings settings, Telemetry telemetry, Clock clock, Dispatcher dispatcher,
                      LeaseAccess leases) {
        this.dispatcher = dispatcher;
        this.leases = leases;
        this.rules = new PreemptionPolicy(policy, settings.agentOfflineAfter(), settings.preemptAfter(),
                settings.preemptionLimit());
        this.telemetry = telemetry;
        this.agents = agents;
        this.jobs = jobs;
        this.ready = ready;
        this.policy = policy;
        this.pools = pools;
        this.channel = channel;
        this.settings = settings;
        this.clock = clock;
    }

    public List<Decision> run(String region) {
        Instant now = clock.instant();
        List<ReadyEntry> waiting = dispatcher.higherTierHeads(region, settings.headsPerTier())
                .orElseGet(() -> ready.heads(region, settings.headsPerTier())).stream()
                .filter(e -> e.tier() != Tier.Standard && !e.isHeldBack(now))
                .toList();
        if (waiting.isEmpty()) {
            return List.of(); // the usual case: no span, so an idle region's passes stay quiet
        }
        return telemetry.inSpan(CHECK_SPAN, Attributes.of(TelemetryAttributes.CLOUD_REGION, region), span -> {
            List<Decision> decisions = check(region, waiting, now);
            span.set(DECISIONS, (long) decisions.size());
            return decisions;
        });
    }

    private List<Decision> check(String region, List<ReadyEntry> waiting, Instant now) {
        List<Agent> fleet = new ArrayList<>(dispatcher.fleet(region));
        PoolDirectory directory = pools.directory();
        Running running = dispatcher.running(region);
        List<Decision> decisions = new ArrayList<>();
        for (ReadyEntry entry : policy.order(waiting, now)) {
            if (!rules.needsRoom(entry, fleet, directory, running, now)) {
                continue;
            }
            Optional<Job> job = jobs.find(entry.tenantId(), entry.jobId());
            if (job.isEmpty() || job.get().state() != JobState.Queued) {
                continue;
            }
            victimFor(entry, fleet, directory, now).flatMap(v -> preemptTraced(entry, v, now)).ifPresent(decision -> {
                decisions.add(decision);
                // The victim's agent is spoken for: refresh the fleet before the next waiting job.
                fleet.replaceAll(a -> a.id().equals(decision.agentId())
                        ? agents.store().find(region, a.id()).orElse(a) : a);
            });
        }
        return decisions;
    }

    /** The candidates' jobs read (the view does not hold them), the victim chosen by the policy. */
    private Optional<Candidate> victimFor(ReadyEntry entry, List<Agent> fleet, PoolDirectory directory, Instant now) {
        List<Candidate> candidates = new ArrayList<>();
        for (Agent agent : rules.candidateAgents(entry, fleet, directory, now)) {
            for (AgentLease lease : agent.leases()) {
                jobs.find(lease.tenantId(), lease.jobId()).ifPresent(j -> candidates.add(new Candidate(agent, lease, j)));
            }
        }
        return rules.victim(entry, candidates, now);
    }

    /** One span per victim: the victim job (id, tenant, tier, region, agent) and the job it makes room for. */
    private Optional<Decision> preemptTraced(ReadyEntry entry, Candidate victim, Instant now) {
        return telemetry.inSpan(PREEMPT_SPAN, TelemetryAttributes.job(victim.job()).toBuilder()
                .put(TelemetryAttributes.PREEMPTED_FOR_JOB_ID, entry.jobId())
                .put(TelemetryAttributes.PREEMPTED_FOR_TIER, entry.tier().name())
                .build(), span -> {
            Optional<Decision> decision = preempt(entry, victim, now);
            span.set(TelemetryAttributes.PREEMPTION_OUTCOME, decision.isPresent() ? "asked" : "victim_changed");
            decision.ifPresent(d -> telemetry.metrics().jobPreempted(victim.job(), entry.tier()));
            return decision;
        });
    }

    private Optional<Decision> preempt(ReadyEntry entry, Candidate victim, Instant now) {
        Instant deadline = now.plus(settings.stopGrace());
        Job job = victim.job();
        // The agent's hold for the waiting job is written beside the victim's Preempting write (two
        // rows, two round trips side by side): the victim hears of the stop only from that job write,
        // so the hold is in place before it can release; if the victim changed and is not asked after
        // all, the hold is taken back.
        // The same write asks the stop of the victim's lease on the agent's record, where the
        // agent's heartbeats read it.
        Agent.Hold hold = new Agent.Hold(entry.tenantId(), entry.jobId(), deadline.plus(settings.leaseDuration()));
        String leaseId = victim.lease().leaseId();
        AgentLease.Stop stop = new AgentLease.Stop(
                AgentLease.Stop.PREEMPT, deadline, AgentHeartbeat.PREEMPT_REASON);
        CompletableFuture<Agent> held = CompletableFuture.supplyAsync(
                () -> agents.modify(victim.agent(), a -> a.withHold(hold).withLeaseChanged(leaseId, l -> l.withStop(stop))), BESIDE);
        boolean asked = false;
        try {
            asked = askToStop(entry, victim, job, deadline, now);
        } finally {
            Agent holding = held.join();
            if (!asked) {
                agents.modify(holding, a -> (hold.equals(a.heldFor()) ? a.withHold(null) : a)
                        .withLeaseChanged(leaseId, l -> stop.equals(l.stop()) ? l.withStop(null) : l));
            }
        }
        if (!asked) {
            return Optional.empty();
        }
        channel.send(victim.agent().id(), AgentCommand.preempt(victim.lease().leaseId(), job.id(), deadline,
                "a " + entry.tier() + " job needs this agent"));
        LOG.info("event=preempting victimJobId={} victimTier={} tenant={} region={} agentId={} forJobId={} forTier={} deadline={}",
                job.id(), job.spec().tier(), job.tenantId(), job.spec().region(), victim.agent().id(), entry.jobId(),
                entry.tier(), deadline);
        return Optional.of(new Decision(entry.jobId(), entry.tier(), job.id(), job.spec().tier(), victim.agent().id()));
    }

    /** Where the hold's write goes beside the victim's (a thread while one is free, else the caller's). */
    private static final Executor BESIDE = SideBySide.executor("preemption-hold", 4);

    /** The victim's Preempting write (again on a conflict, while it still qualifies); false when it is not asked. */
    private boolean askToStop(ReadyEntry entry, Candidate victim, Job job, Instant deadline, Instant now) {
        for (int attempt = 1; ; attempt++) {
            Job.Transition stopping = job.requestStop(JobState.Preempting, deadline, now,
                    "preempted for " + entry.tier() + " job " + entry.jobId() + "; agent " + victim.agent().id()
                            + " asked to checkpoint and release by " + deadline, "control-plane");
            try {
                // The victim's release checks its lease against this version, not a read.
                leases.remember(jobs.update(stopping.job(), List.of(stopping.entry())));
                return true;
            } catch (ConcurrencyConflictException raced) {
                // A heartbeat or progress write changed the victim: read it again; if it still
                // qualifies (same lease, still running), ask again.
                Optional<Job> again = jobs.find(job.tenantId(), job.id())
                        .filter(j -> j.holdsLease(victim.lease().leaseId()))
                        .filter(j -> j.state() == JobState.Running || j.state() == JobState.Assigned);
                if (again.isEmpty() || attempt >= AgentRecords.MAX_ATTEMPTS) {
                    return false;
                }
                job = again.get();
            }
        }
    }
}
