package io.controlplane.domain;

import java.util.Arrays;
import java.util.Optional;

/** What a migration job does. */
public enum JobKind {
    Inventory,
    Export,
    Import,
    Migrate;

    public static Optional<JobKind> parse(String name) {
        return Arrays.stream(values()).filter(k -> k.name().equals(name)).findFirst();
    }
}
