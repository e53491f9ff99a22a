package io.controlplane.bench;

import io.controlplane.app.LeaseGrant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A simulated agent's long-poll answer, handed from whichever thread completed the poll to the
 * model's loop ({@link ScaleModel}, {@link FairShareBenchmark}).
 *
 * @param agent   the simulated agent that polled
 * @param poll    the poll answered, so the model can tell it from a later one
 * @param grant   the lease granted, empty when none; null when the poll failed
 * @param failure why the poll failed; null when it did not
 * @param <A>     the model's simulated agent
 */
record PollAnswer<A>(A agent, CompletableFuture<Optional<LeaseGrant>> poll, Optional<LeaseGrant> grant, Throwable failure) {
}
