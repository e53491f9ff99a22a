package io.controlplane.bench;

/**
 * What every counting decorator of {@link CountingStores} holds: the port it decorates and the
 * tally it counts in.
 *
 * @param <P> the port
 */
abstract class CountingPort<P> {
    final P d;
    final PartitionTally t;

    CountingPort(P d, PartitionTally t) {
        this.d = d;
        this.t = t;
    }
}
