package io.controlplane.bench;

import io.controlplane.app.Caller;
import io.controlplane.app.LeaseGrant;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** One simulated agent of a {@link FairShareBenchmark} run, one slot: its poll in flight and the lease it holds. */
final class FairShareAgent {
    final String id;
    final Caller caller;
    /** The step, within the heartbeat interval, at which it heartbeats. */
    final int beatPhase;
    CompletableFuture<Optional<LeaseGrant>> poll;
    /** Completes once the poll's answer is queued for the model's loop. */
    CompletableFuture<?> answered;
    Instant pollDeadline;
    String leaseId;
    Instant endsAt;

    FairShareAgent(String id, int beatPhase) {
        this.id = id;
        this.caller = new Caller("provider", "sp-" + id, Set.of("Agents.Run"));
        this.beatPhase = beatPhase;
    }

    boolean busy() {
        return leaseId != null;
    }
}
