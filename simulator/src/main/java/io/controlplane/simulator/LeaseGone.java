package io.controlplane.simulator;

/** Ends a simulated job's run loop: the lease is no longer its agent's to write with. */
final class LeaseGone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LeaseGone() {
        super(null, null, false, false);
    }
}
