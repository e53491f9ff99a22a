package io.controlplane.domain;

import java.util.Arrays;
import java.util.Optional;

/** The kind of system a job reads from or writes to. */
public enum EndpointType {
    AzureDevOps,
    TeamFoundationServer,
    Git,
    Simulated;

    public static Optional<EndpointType> parse(String name) {
        return Arrays.stream(values()).filter(t -> t.name().equals(name)).findFirst();
    }
}
