package io.controlplane.simulator;

/** A lease the agent still works on, as reported in a heartbeat so the control plane can extend it. */
public record HeldLease(String leaseId, long epoch) {
}
