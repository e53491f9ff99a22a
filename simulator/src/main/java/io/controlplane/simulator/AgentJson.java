package io.controlplane.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the agent API's JSON answers into the simulator's types, leniently: a field that is
 * absent, null or of the wrong shape reads as null (or the type's default), never as an error.
 */
final class AgentJson {

    private AgentJson() {
    }

    /** A lease answer (also the job route's {@code { items: [...] }} shape of its checkpoints). */
    static Lease lease(JsonNode node) {
        List<Checkpoint> checkpoints = new ArrayList<>();
        JsonNode array = node.path("checkpoints");
        if (array.isObject()) {
            array = array.path("items"); // tolerate the job route's { items: [...] } shape
        }
        for (JsonNode c : array) {
            checkpoints.add(new Checkpoint(text(c, "name"), CheckpointKind.fromWire(text(c, "kind")), c.path("data"),
                    c.path("epoch").asLong(0), instant(c, "updatedAt")));
        }
        List<String> organisations = new ArrayList<>();
        node.path("organisations").forEach(o -> {
            if (o.isTextual()) {
                organisations.add(o.asText());
            }
        });
        return new Lease(text(node, "leaseId"), text(node, "jobId"), node.path("epoch").asLong(0),
                instant(node, "expiresAt"), node.path("spec"), organisations, checkpoints, node.path("resumed").asBoolean(false));
    }

    /** A command's {@code backOff}; null when absent or without the organisation and instant to act on. */
    static Command.BackOff backOff(JsonNode node) {
        String organisation = text(node, "organisation");
        Instant until = instant(node, "until");
        if (!node.isObject() || organisation == null || until == null) {
            return null;
        }
        return new Command.BackOff(organisation, until, node.path("retryAfterSeconds").asLong(0));
    }

    /** The field as text; null when absent or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** The field as an int; null when absent or not one. */
    static Integer integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.canConvertToInt() ? null : value.asInt();
    }

    /** The field as an ISO-8601 instant (with or without an offset); null when absent, blank or not one. */
    static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
