package io.controlplane.functions;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.microsoft.azure.functions.ExecutionContext;
import io.controlplane.ControlPlane;
import io.controlplane.api.Json;
import io.controlplane.domain.KeySafety;
import io.controlplane.domain.RegionName;
import io.controlplane.domain.Tier;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.telemetry.RedactingHandler;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * What every intake function does, whichever queue triggered it: read the body as an
 * {@link IntakeMessage} and hand it to the control plane.
 *
 * <p>A body that is not an intake message can never succeed. It is logged without its content
 * (a queue body may hold anything) and thrown as a {@link MalformedIntakeMessageException}; the
 * Java library cannot dead-letter a message itself, so the host retries it and then moves it
 * aside: Service Bus to the dead-letter queue after MaxDeliveryCount, Storage Queues to
 * {@code <queue>-poison} after host.json's maxDequeueCount.
 */
final class FunctionsIntake {

    /** The api's region rule (agent registration): lower-case letters and digits, 2 to 40. */
    private static final String TIERS = Arrays.stream(Tier.values())
            .map(Enum::name).collect(Collectors.joining(", "));
    /** Strict beyond the api's mapper: nothing after the object, and no tier by ordinal number. */
    private static final ObjectReader READER = Json.mapper().readerFor(IntakeMessage.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

    private FunctionsIntake() {
    }

    static void deliver(String body, ExecutionContext context) {
        deliver(body, context, ControlPlaneHolder::controlPlane);
    }

    /** Parses before touching the control plane, so a malformed body is reported as such even when storage is down. */
    static void deliver(String body, ExecutionContext context, Supplier<ControlPlane> controlPlane) {
        Logger log = RedactingHandler.redact(context.getLogger());
        IntakeMessage message;
        try {
            message = parse(body);
        } catch (MalformedIntakeMessageException e) {
            log.warning(String.format(Locale.ROOT,
                    "event=intake_malformed function=%s invocationId=%s reason=%s",
                    context.getFunctionName(), context.getInvocationId(), e.reason()));
            throw e;
        }
        controlPlane.get().onIntake(message);
        log.info(String.format(Locale.ROOT,
                "event=intake_received function=%s region=%s tier=%s tenant=%s jobId=%s",
                context.getFunctionName(), message.region(), message.tier(), message.tenantId(), message.jobId()));
    }

    /**
     * The intake message in {@code body}: a JSON object with {@code region}, {@code tier},
     * {@code tenantId} and {@code jobId}, and {@code epoch} (a whole number, 0 when absent, as in
     * bodies from older publishers; other fields are ignored, for messages from newer ones).
     *
     * @throws MalformedIntakeMessageException naming what is wrong, never quoting the body
     */
    static IntakeMessage parse(String body) {
        if (body == null || body.isBlank()) {
            throw new MalformedIntakeMessageException("empty_body", "the body is empty");
        }
        IntakeMessage message;
        try {
            message = READER.readValue(body);
        } catch (JacksonException e) {
            throw malformed(e);
        }
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

    /** A body no delivery can ever accept. The message says why without quoting the body. */
    static final class MalformedIntakeMessageException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;
        private final String reason;

        MalformedIntakeMessageException(String reason, String description) {
            super("Malformed intake message (reason=" + reason + "): " + description
                    + ". The body is not logged; the message is retried, then dead-lettered or moved to the poison queue.");
            this.reason = reason;
        }

        /** A short, stable code for logs and alerts, e.g. {@code unknown_tier}. */
        String reason() {
            return reason;
        }
    }
}
