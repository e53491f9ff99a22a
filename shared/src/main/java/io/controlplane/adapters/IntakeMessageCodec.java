package io.controlplane.adapters;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.ports.IntakeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The one wire form of an {@link IntakeMessage}: compact UTF-8 JSON
 * ({@code {"region":..,"tier":"Platinum","tenantId":..,"jobId":..,"epoch":3}}), the same on Storage
 * Queues and Service Bus, so the adapters and the Functions triggers read each other's messages. A body
 * without {@code epoch} (written before it existed) decodes with epoch 0; unknown fields are ignored,
 * so an older reader still takes a newer body.
 */
public final class IntakeMessageCodec {

    private final ObjectMapper json;

    public IntakeMessageCodec(ObjectMapper json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    public byte[] encode(IntakeMessage message) {
        try {
            return json.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write an intake message", e);
        }
    }

    /**
     * @throws MalformedIntakeMessageException when the body is not JSON, names an unknown tier, lacks
     *         a field or has a negative epoch: such a message can never succeed, so callers move it aside at once
     */
    public IntakeMessage decode(byte[] body) throws MalformedIntakeMessageException {
        IntakeMessage message;
        try {
            message = json.readValue(body, IntakeMessage.class);
        } catch (JacksonException e) {
            // The exception's own text may quote the body: keep only its type.
            throw new MalformedIntakeMessageException("body is not an intake message in JSON (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (message == null || blank(message.region()) || message.tier() == null || blank(message.tenantId())
                || blank(message.jobId())) {
            throw new MalformedIntakeMessageException("intake message lacks region, tier, tenantId or jobId");
        }
        if (message.epoch() < 0) {
            throw new MalformedIntakeMessageException("intake message has a negative epoch");
        }
        return message;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** A body that no handler can ever accept. The message says why without quoting the body. */
    public static final class MalformedIntakeMessageException extends Exception {
        public MalformedIntakeMessageException(String message) {
            super(message);
        }
    }
}
