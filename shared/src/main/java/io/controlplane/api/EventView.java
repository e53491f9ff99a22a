package io.controlplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.controlplane.app.JobEvents.Delivered;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.JobEvent;
import io.controlplane.domain.Progress;
import java.time.Instant;
import java.util.Map;

/** A job event as watchers read it (the data of an event-stream event, or an item of a long poll's answer). */
@JsonInclude(JsonInclude.Include.NON_NULL)
record EventView(String id, String type, String jobId, String tenantId, Instant at, String state, String from,
                 String reason, String actor, Long sequence, Double percent, Map<String, Long> counters, String message,
                 CheckpointRef checkpoint) {

    /** Which checkpoint was written. */
    record CheckpointRef(String name, String kind) {
    }

    static EventView of(Delivered delivered) {
        if (delivered.isReset()) {
            return new EventView(delivered.id(), "reset", null, null, null, null, null, delivered.reset(), null, null, null,
                    null, null, null);
        }
        JobEvent e = delivered.event();
        HistoryEntry h = e.entry();
        Progress p = e.progress();
        Checkpoint c = e.checkpoint();
        return new EventView(delivered.id(), e.type().name(), e.jobId(), e.tenantId(), e.at(),
                h == null ? null : h.to().name(),
                h == null || h.from() == null ? null : h.from().name(),
                h == null ? null : h.reason(),
                h == null ? null : h.actor(),
                h == null ? null : h.sequence(),
                p == null ? null : p.percent(),
                p == null ? null : p.counters(),
                p == null ? null : p.message(),
                c == null ? null : new CheckpointRef(c.name(), c.kind().name()));
    }
}
