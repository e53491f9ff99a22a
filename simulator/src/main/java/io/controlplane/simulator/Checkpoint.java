package io.controlplane.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A checkpoint as handed back in a lease: {@code { name, kind, data, epoch, updatedAt }}.
 *
 * @param kind {@code cursor} (opaque data) or {@code git} ({@code { repo, ref, commit }})
 * @param epoch the epoch of the lease that wrote it; 0 when the control plane does not say
 * @param updatedAt null when the control plane does not say
 */
public record Checkpoint(String name, CheckpointKind kind, JsonNode data, long epoch, Instant updatedAt) {
}
