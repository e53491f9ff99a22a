package io.controlplane.domain;

import java.util.Arrays;
import java.util.Optional;

/** Service tier of a job. Higher rank is dispatched first. */
public enum Tier {
    Standard(1),
    Premium(2),
    Platinum(3);

    private final int rank;

    Tier(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    /** Exact, case-sensitive match on the wire name, as docs/openapi.yaml spells it. */
    public static Optional<Tier> parse(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }
}
