package io.controlplane.simulator;

import java.util.Objects;

/** One ID mapping, e.g. work item 42 in the source is 1042 in the target. */
public record IdMapping(String type, String sourceId, String targetId) {

    public IdMapping {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(targetId, "targetId");
    }
}
