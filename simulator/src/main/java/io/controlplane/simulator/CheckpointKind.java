package io.controlplane.simulator;

import java.util.Locale;

/** The two kinds of checkpoint the agent API names (docs/openapi.yaml). */
public enum CheckpointKind {
    /** Opaque progress data the agent resumes from. */
    CURSOR,
    /** A git commit reached: {@code { repo, ref, commit }}. */
    GIT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind for a wire name; null for one this client does not know. */
    static CheckpointKind fromWire(String value) {
        if (value == null) {
            return null;
        }
        for (CheckpointKind kind : values()) {
            if (kind.wireName().equalsIgnoreCase(value)) {
                return kind;
            }
        }
        return null;
    }
}
