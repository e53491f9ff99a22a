package io.controlplane.adapters;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.RegionName;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The one wire form of an {@link IntakeMessage}: compact UTF-8 JSON
 * ({@code {"region":..,"tier":"Platinum","tenantId":..,"jobId":..,"epoch":3}}), the same on Storage
 * Queues and Service Bus, so the adapters and the Functions triggers read each other's messages. A body
 * without {@code epoch} (written before it existed) decodes with epoch 0; unknown fields are ignored,
 * so an older reader still takes a newer body.
 *
 * <p>Decoding is strict, and the same for every reader (the Functions intake triggers and the queue
 * adapters the standalone host subscribes with): one JSON object and nothing after it, no field twice,
 * a tier by its name (not its ordinal), a region's name by {@link RegionName}, key-safe tenant and job
 * ids, a whole, non-negative epoch.
 */
public final class IntakeMessageCodec {

    private static final String TIERS = Arrays.stream(Tier.values())
            .map(Enum::name).collect(Collectors.joining(", "));

    private final ObjectMapper json;
    /** Strict whatever the mapper: nothing after the object, no field twice, no tier by ordinal number. */
    private final ObjectReader reader;

    public IntakeMessageCodec(ObjectMapper json) {
        this.json = Objects.requireNonNull(json, "json");
        this.reader = json.readerFor(IntakeMessage.class)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    public byte[] encode(IntakeMessage message) {
        try {
            return json.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write an intake message", e);
        }
    }

    /**
     * The intake message in {@code body} (UTF-8 JSON, as {@link #encode} writes it): a JSON object with
     * {@code region}, {@code tier}, {@code tenantId} and {@code jobId}, and {@code epoch} (a whole
     * number, 0 when absent).
     *
     * @throws MalformedIntakeMessageException naming what is wrong, never quoting the body: such a
     *         message can never succeed, so callers move it aside
     */
    public IntakeMessage decode(byte[] body) throws MalformedIntakeMessageException {
        if (body == null || isBlank(body)) {
            throw empty();
        }
        try {
            return check(reader.readValue(body));
        } catch (JacksonException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #decode(byte[])} for a body the host has already read as text (a Functions queue trigger's). */
    public IntakeMessage decode(String body) throws MalformedIntakeMessageException {
        if (body == null || body.isBlank()) {
            throw empty();
        }
        try {
            return check(reader.readValue(body));
        } catch (JacksonException e) {
            throw malformed(e);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static MalformedIntakeMessageException empty() {
        return new MalformedIntakeMessageException("empty_body", "the body is empty");
    }

    private static IntakeMessage check(IntakeMessage message) {
        if (message == null) {
            throw new MalformedIntakeMessageException("not_an_object", "the body is JSON null, not an object");
        }
        if (message.tier() == null) {
            throw new MalformedIntakeMessageException("missing_tier", "tier is missing (one of " + TIERS + ")");
        }
        if (!RegionName.isValid(message.region())) {
            throw new MalformedIntakeMessageException("invalid_region",
                    "region is missing or not a region name (lower-case letters and digits, 2 to 40)");
        }
        requireKey(message.tenantId(), "tenantId");
        requireKey(message.jobId(), "jobId");
        if (message.epoch() < 0) {
            throw new MalformedIntakeMessageException("invalid_epoch", "epoch is negative");
        }
        return message;
    }

    private static void requireKey(String value, String field) {
        if (value == null || value.isBlank() || !KeySafety.isKeySafe(value)) {
            throw new MalformedIntakeMessageException("invalid_" + field,
                    field + " is missing or not a valid key (no '/', '\\', '#', '?' or control characters, at most "
                            + KeySafety.MAX_KEY_CHARS + " characters)");
        }
    }

    /** Jackson's own messages quote the input: keep only our code, the field and where. */
    private static MalformedIntakeMessageException malformed(JacksonException e) {
        JacksonException innermost = e;
        while (innermost.getCause() instanceof JacksonException cause) {
            innermost = cause; // databind wraps a parse error met inside a field, with that field's path
        }
        // Jackson has no exception types of its own for these; its wording only picks our code.
        String original = String.valueOf(innermost.getOriginalMessage());
        if (innermost instanceof StreamReadException) {
            if (original.startsWith("Duplicate field")) {
                return new MalformedIntakeMessageException("duplicate_field", "a field appears twice");
            }
            JsonLocation at = innermost.getLocation();
            return new MalformedIntakeMessageException("invalid_json", "the body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (innermost instanceof MismatchedInputException mismatch) {
            if (original.startsWith("Trailing token")) {
                return new MalformedIntakeMessageException("trailing_content", "the body goes on after the JSON object");
            }
            String field = mismatch.getPath().isEmpty() ? null : mismatch.getPath().get(0).getFieldName();
            if ("tier".equals(field)) {
                return new MalformedIntakeMessageException("unknown_tier", "tier is not one of " + TIERS);
            }
            if ("region".equals(field) || "tenantId".equals(field) || "jobId".equals(field)) {
                return new MalformedIntakeMessageException("invalid_" + field, field + " is not a string");
            }
            if ("epoch".equals(field)) {
                return new MalformedIntakeMessageException("invalid_epoch", "epoch is not a whole number");
            }
        }
        return new MalformedIntakeMessageException("not_an_object",
                "the body is not a JSON object with region, tier, tenantId and jobId");
    }

    /**
     * A body that no handler can ever accept: an intake message this codec refuses, or (from
     * {@link DispatchCodec}) a body that is no dispatch event or offer. The message says why without
     * quoting the body, and never carries a cause (the parser's message would quote it).
     */
    public static final class MalformedIntakeMessageException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;
        /** The code of a body that is no dispatch event or offer. */
        private static final String NOT_A_DISPATCH_BODY = "malformed";
        private final String reason;

        /** A refused intake message: {@code reason} is a short code, {@code description} says why in words. */
        public MalformedIntakeMessageException(String reason, String description) {
            super("Malformed intake message (reason=" + reason + "): " + description
                    + ". The body is not logged; the message is dead-lettered or moved to the poison queue.");
            this.reason = Objects.requireNonNull(reason, "reason");
        }

        /** A refused dispatch event or offer, {@code message} being all there is to say. */
        public MalformedIntakeMessageException(String message) {
            super(message);
            this.reason = NOT_A_DISPATCH_BODY;
        }

        /** A short, stable code for logs and alerts, e.g. {@code unknown_tier}. */
        public String reason() {
            return reason;
        }
    }
}
