package io.controlplane.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads a {@code text/event-stream} (the WHATWG Server-Sent Events format): {@code field: value}
 * lines, an event dispatched at each blank line, {@code data} lines joined with newlines, comments
 * ({@code : keep-alive}) skipped, {@code id} kept for the reconnect's {@code Last-Event-ID} even
 * when no event follows it, and {@code retry} as the server's reconnection time.
 */
final class ServerSentEvents {

    /** One dispatched event: the last id seen (null when none yet), its type ({@code message} unless named) and data. */
    record Event(String id, String type, String data) {
    }

    private final BufferedReader in;
    private final Runnable onLine;
    private String lastEventId;
    private Long retryMillis;

    /** @param onLine called for every line read, comments included (the stream is alive) */
    ServerSentEvents(Reader in, Runnable onLine) {
        this.in = in instanceof BufferedReader buffered ? buffered : new BufferedReader(in);
        this.onLine = onLine;
    }

    ServerSentEvents(Reader in) {
        this(in, () -> { });
    }

    /** The next event; null at the end of the stream (an event not ended by a blank line is dropped, as the format says). */
    Event next() throws IOException {
        String type = null;
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            onLine.run();
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(lastEventId, type == null || type.isEmpty() ? "message" : type, data.toString());
                }
                type = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                case "id" -> {
                    if (value.indexOf('\0') < 0) {
                        lastEventId = value.isEmpty() ? null : value;
                    }
                }
                case "retry" -> {
                    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit) && value.length() < 10) {
                        retryMillis = Long.parseLong(value);
                    }
                }
                default -> {
                    // unknown fields are ignored
                }
            }
        }
        return null;
    }

    /** The id to resume after ({@code Last-Event-ID}): the last {@code id} field read, null when none. */
    String lastEventId() {
        return lastEventId;
    }

    /** The server's reconnection time ({@code retry}), null when it gave none. */
    Long retryMillis() {
        return retryMillis;
    }
}
