package io.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.app.JobEvents.Delivered;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Events as Server-Sent Events frames ({@code id}, {@code event}, {@code data} lines), each encoded
 * once however many streams write it: the last {@code capacity} frames are kept.
 */
final class EventFrames {

    private final ObjectMapper json;
    private final Map<String, byte[]> recent;

    EventFrames(ObjectMapper json, int capacity) {
        this.json = json;
        this.recent = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The frames of {@code batch}, one after another. */
    byte[] frames(List<Delivered> batch) {
        if (batch.size() == 1) {
            return frame(batch.get(0));
        }
        byte[][] parts = new byte[batch.size()][];
        int length = 0;
        for (int i = 0; i < parts.length; i++) {
            parts[i] = frame(batch.get(i));
            length += parts[i].length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private byte[] frame(Delivered d) {
        if (d.isReset()) {
            return encode(d); // a reset is one stream's own
        }
        synchronized (recent) {
            byte[] known = recent.get(d.id());
            if (known != null) {
                return known;
            }
        }
        byte[] encoded = encode(d);
        synchronized (recent) {
            recent.put(d.id(), encoded);
        }
        return encoded;
    }

    private byte[] encode(Delivered d) {
        EventView view = EventView.of(d);
        try {
            return ("id: " + d.id() + "\nevent: " + view.type() + "\ndata: " + json.writeValueAsString(view) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise an event", e);
        }
    }
}
