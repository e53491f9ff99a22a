package io.controlplane.simulator;

import java.util.List;
import java.util.Objects;

/** What an agent tells the control plane about itself: {@code { region, pool, capabilities, slots }}. */
public record Registration(String region, String pool, List<String> capabilities, int slots) {

    public Registration {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(pool, "pool");
        capabilities = List.copyOf(capabilities);
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, was " + slots);
        }
    }
}
