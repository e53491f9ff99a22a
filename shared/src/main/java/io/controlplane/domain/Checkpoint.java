package io.controlplane.domain;

import java.time.Instant;

/**
 * A named checkpoint of a job, written by the agent holding the lease: {@code cursor} (opaque data,
 * e.g. processor, stage and last processed id) or {@code git} (repo, ref, commit). {@code epoch}
 * is the lease epoch it was written under. {@code data} is JSON-like plain Java (maps, lists,
 * strings, numbers, booleans).
 */
public record Checkpoint(String jobId, String name, Kind kind, Object data, long epoch, Instant updatedAt) {

    /** What a checkpoint records. */
    public enum Kind {
        cursor,
        git
    }
}
