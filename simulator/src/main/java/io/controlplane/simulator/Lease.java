package io.controlplane.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A job leased to this agent: {@code { leaseId, jobId, epoch, expiresAt, spec, organisations, checkpoints, resumed }}.
 *
 * @param epoch       the fencing token; a newer lease of the same job has a higher one
 * @param spec        the job spec as submitted (its {@code config} is opaque to the control plane)
 * @param organisations the organisation keys the job touches, as the control plane derives them
 *                    (what a throttle report names)
 * @param checkpoints the job's checkpoints so far (non-empty when the job comes back)
 * @param resumed     true when the job ran before (preempted, paused, lease lost) and should resume
 */
public record Lease(String leaseId, String jobId, long epoch, Instant expiresAt, JsonNode spec, List<String> organisations,
                    List<Checkpoint> checkpoints, boolean resumed) {

    public Lease {
        spec = spec == null ? MissingNode.getInstance() : spec;
        organisations = organisations == null ? List.of() : List.copyOf(organisations);
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
    }

    /** A field of the spec's opaque {@code config}, e.g. {@code config("simulation", "durationMs")}. */
    public JsonNode config(String... path) {
        JsonNode node = spec.path("config");
        for (String name : path) {
            node = node.path(name);
        }
        return node;
    }

    /** The checkpoint with this name, if the job has one. */
    public Optional<Checkpoint> checkpoint(String name) {
        return checkpoints.stream().filter(c -> name.equals(c.name()))
                .max(Comparator.comparingLong(Checkpoint::epoch));
    }
}
