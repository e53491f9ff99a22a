package io.controlplane.adapters;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.ports.DispatchEvent;
import io.controlplane.ports.OfferNote;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The one wire form of {@link DispatchEvent}s and {@link OfferNote}s: compact UTF-8 JSON, the same on
 * Storage Queues and Service Bus. An event carries its kind in {@code "type"} ({@code asks},
 * {@code ready}, {@code agentChanged}, {@code tick}, {@code throttled}); unknown fields are ignored.
 */
public final class DispatchCodec {

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = DispatchEvent.Asks.class, name = "asks"),
            @JsonSubTypes.Type(value = DispatchEvent.Ready.class, name = "ready"),
            @JsonSubTypes.Type(value = DispatchEvent.AgentChanged.class, name = "agentChanged"),
            @JsonSubTypes.Type(value = DispatchEvent.Tick.class, name = "tick"),
            @JsonSubTypes.Type(value = DispatchEvent.Throttled.class, name = "throttled")})
    private interface EventMixin {
    }

    private final ObjectMapper json;

    public DispatchCodec(ObjectMapper json) {
        this.json = Objects.requireNonNull(json, "json").copy().addMixIn(DispatchEvent.class, EventMixin.class);
    }

    public byte[] encode(DispatchEvent event) {
        try {
            return json.writerFor(DispatchEvent.class).writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a dispatch event", e);
        }
    }

    /** @throws IntakeMessageCodec.MalformedIntakeMessageException when the body is no dispatch event (never can be) */
    public DispatchEvent decodeEvent(byte[] body) throws IntakeMessageCodec.MalformedIntakeMessageException {
        try {
            DispatchEvent event = json.readValue(body, DispatchEvent.class);
            if (event == null) {
                throw new IntakeMessageCodec.MalformedIntakeMessageException("empty dispatch event");
            }
            return event;
        } catch (JacksonException | NullPointerException e) {
            // The exception's own text may quote the body: keep only its type.
            throw new IntakeMessageCodec.MalformedIntakeMessageException(
                    "body is not a dispatch event in JSON (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] encode(OfferNote offer) {
        try {
            return json.writeValueAsBytes(offer);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write an offer", e);
        }
    }

    /** @throws IntakeMessageCodec.MalformedIntakeMessageException when the body is no offer */
    public OfferNote decodeOffer(byte[] body) throws IntakeMessageCodec.MalformedIntakeMessageException {
        try {
            OfferNote offer = json.readValue(body, OfferNote.class);
            if (offer == null) {
                throw new IntakeMessageCodec.MalformedIntakeMessageException("empty offer");
            }
            return offer;
        } catch (JacksonException | NullPointerException e) {
            throw new IntakeMessageCodec.MalformedIntakeMessageException(
                    "body is not an offer in JSON (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
