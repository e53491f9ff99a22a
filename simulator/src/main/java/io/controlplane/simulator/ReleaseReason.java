package io.controlplane.simulator;

import java.util.Locale;

/** Why an agent gives a lease back (after its final checkpoint). */
public enum ReleaseReason {
    PREEMPTED, PAUSED, SHUTDOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
