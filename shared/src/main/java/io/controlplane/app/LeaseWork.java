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
import io.controlplane.telemetry.TracedSpan;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent asks for work: it waits up to {@code waitSeconds} (long poll: parked without a thread)
 * for the {@link Dispatcher} to offer it a lease, the best job it may run (tier, aging, region,
 * capabilities, pool). The agent never searches: the dispatcher decides, from its view, and claims
 * with conditional writes ({@link Claims}); this only hands the offer over.
 */
public final class LeaseWork {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseWork.class);
    public static final int MAX_WAIT_SECONDS = 30;

    private final AgentRecords agents;
    private final Dispatcher dispatcher;
    private final DispatchSettings settings;
    private final Clock clock;
    private final Telemetry telemetry;
    private final LongPolls polls;

    /** The span of one lease request's dispatch, including the long-poll wait. */
    public static final String DISPATCH_SPAN = "controlplane.dispatch";

    public LeaseWork(AgentRecords agents, Dispatcher dispatcher, DispatchSettings settings, Clock clock, Telemetry telemetry,
                     LongPolls polls) {
        this.agents = agents;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.clock = clock;
        this.telemetry = telemetry;
        this.polls = polls;
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
        } catch (ExecutionException e) {
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
     * An agent's long poll: the agent joins its region's waiting line at the {@link Dispatcher},
     * which runs once now; if nothing was offered, the poll is parked ({@link LongPolls}, no thread
     * held) until the dispatcher offers a lease, {@code waitSeconds} pass or the host stops (then it
     * completes empty). The ownership check and the first dispatch run on the caller's thread, so a
     * refused agent fails at once.
     */
    public CompletableFuture<Optional<LeaseGrant>> leaseAsync(Caller caller, String agentId, int waitSeconds) {
        // This instance's copy of the record will do (the dispatcher's claim is conditional on its ETag).
        Agent agent = agents.ownRecent(caller, agentId, settings.agentRecordReuse());
        Span request = Span.current();
        Span dispatch = telemetry.startDetached(DISPATCH_SPAN, SpanKind.INTERNAL,
                Context.current(), Attributes.of(TelemetryAttributes.AGENT_ID, agent.id(),
                        TelemetryAttributes.CLOUD_REGION, agent.region()));
        CompletableFuture<Optional<LeaseGrant>> result = new CompletableFuture<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(0, Math.min(MAX_WAIT_SECONDS, waitSeconds))).toNanos();
        // The dispatch span is current on this thread only while the first dispatch run runs.
        try (TracedSpan ignored = telemetry.resume(dispatch)) {
            new Poll(agent, deadline, result).start();
        }
        result.whenComplete((granted, failure) -> {
            if (failure instanceof CancellationException) {
                dispatch.setAttribute(TelemetryAttributes.DISPATCH_OUTCOME, "abandoned");
            } else if (failure != null) {
                dispatch.recordException(failure);
                dispatch.setAttribute(TelemetryAttributes.ERROR_TYPE, failure.getClass().getName());
                dispatch.setStatus(StatusCode.ERROR);
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

    /** One long poll: asks, then waits for an offer. */
    private final class Poll {
        private final Agent agent;
        private final long deadline;
        private final CompletableFuture<Optional<LeaseGrant>> result;
        private volatile LongPolls.Parked parked;

        Poll(Agent agent, long deadline, CompletableFuture<Optional<LeaseGrant>> result) {
            this.agent = agent;
            this.deadline = deadline;
            this.result = result;
            // However the poll ends (answered, timed out, given up by its caller), it stops asking.
            result.whenComplete((r, e) -> {
                LongPolls.Parked p = parked;
                if (p != null) {
                    p.complete(LongPolls.Wake.STOPPING);
                }
                dispatcher.stoppedWaiting(agent.region(), agent.id(), this);
            });
        }

        void start() {
            Agent asking = agent;
            Instant now = clock.instant();
            try {
                if (asking.lastHeartbeatAt() == null
                        || !asking.lastHeartbeatAt().plus(settings.heartbeatWriteAfter()).plus(settings.heartbeatInterval())
                        .isAfter(now)) {
                    // Asking for work proves the agent is alive: for an agent that does not heartbeat,
                    // refreshed a beat later than a heartbeat would, so a heartbeating agent's polls never write.
                    asking = agents.modify(asking, a -> a.withHeartbeat(now));
                }
                dispatcher.waiting(asking, this, now.plusNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (RuntimeException | Error e) {
                fail(e);
                return;
            }
            if (!handOver()) {
                park();
            }
        }

        /** Answers with the agent's oldest offer, if it has one; true when the poll is answered. */
        private boolean handOver() {
            Optional<LeaseGrant> offer = dispatcher.takeOffer(agent.region(), agent.id());
            if (offer.isEmpty()) {
                return result.isDone();
            }
            if (!result.complete(offer)) {
                dispatcher.giveBack(agent.region(), agent.id(), offer.get()); // its caller is gone: for the next poll
            }
            return true;
        }

        private void park() {
            long left = deadline - System.nanoTime();
            if (left <= 0 || polls.stopping()) {
                result.complete(Optional.empty());
                return;
            }
            LongPolls.Parked p = polls.park(agent.region(), agent.id(), agent, Duration.ofNanos(left));
            parked = p;
            // Parked first, looked second: an offer made in between is not missed.
            if (handOver()) {
                p.complete(LongPolls.Wake.STOPPING);
                return;
            }
            p.woken().thenAcceptAsync(why -> {
                if (handOver()) {
                    return;
                }
                if (why == LongPolls.Wake.SIGNALLED) {
                    park();
                } else {
                    result.complete(Optional.empty());
                }
            }, polls.executor());
        }

        private void fail(Throwable e) {
            if (polls.stopping() && e instanceof RuntimeException) {
                // Storage going away with the host: the agent asks again, elsewhere or later.
                result.complete(Optional.empty());
            } else {
                result.completeExceptionally(e);
            }
        }
    }
}
