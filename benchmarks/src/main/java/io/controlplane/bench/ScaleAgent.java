package io.controlplane.bench;

import io.controlplane.app.Caller;
import io.controlplane.app.LeaseGrant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** One simulated agent of a {@link ScaleModel}: what it offers, its poll in flight and the jobs it holds. */
final class ScaleAgent {
    final String id;
    final Caller caller;
    final Set<String> capabilities;
    final int slots;
    /** The step, within the heartbeat interval, at which it heartbeats. */
    final int beatPhase;
    boolean registered;
    CompletableFuture<Optional<LeaseGrant>> poll;
    Instant pollDeadline;
    final List<ScaleJob> running = new ArrayList<>();

    ScaleAgent(String id, Set<String> capabilities, int slots, int beatPhase) {
        this.id = id;
        this.caller = new Caller("provider", "sp-" + id, Set.of("Agents.Run"));
        this.capabilities = capabilities;
        this.slots = slots;
        this.beatPhase = beatPhase;
    }
}
