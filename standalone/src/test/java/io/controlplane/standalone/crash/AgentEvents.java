package io.controlplane.standalone.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events a simulator process printed ({@code at=... agent=... event=... key=value ...}, one a
 * line, written once the control plane had answered), read from its output file as it grows. What
 * an agent logged it was told: a lease it received, a checkpoint or mappings the control plane
 * acknowledged, a completion it got 200 for.
 */
final class AgentEvents {

    private final Path file;
    private final List<Event> events = new ArrayList<>();
    private long offset;
    private final StringBuilder partial = new StringBuilder();

    AgentEvents(Path file) {
        this.file = file;
    }

    /** One line: its event name and fields (agent included). */
    record Event(String type, Map<String, String> fields) {

        String get(String key) {
            return fields.get(key);
        }

        String jobId() {
            return fields.get("jobId");
        }

        long epoch() {
            return Long.parseLong(fields.getOrDefault("epoch", "-1"));
        }

        int intField(String key) {
            return Integer.parseInt(fields.get(key));
        }
    }

    /** Reads what the process wrote since the last call; a line still being written waits for the next. */
    synchronized AgentEvents refresh() {
        try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= offset) {
                return this;
            }
            byte[] bytes = new byte[(int) (length - offset)];
            in.seek(offset);
            in.readFully(bytes);
            offset = length;
            partial.append(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end;
        while ((end = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, end);
            partial.delete(0, end + 1);
            if (line.startsWith("at=")) {
                Map<String, String> fields = parse(line);
                String type = fields.get("event");
                if (type != null) {
                    events.add(new Event(type, fields));
                }
            }
        }
        return this;
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized long count(String type) {
        return events.stream().filter(e -> e.type().equals(type)).count();
    }

    /** Leases received and not yet ended (completed, failed, released, cancelled, lost or given up). */
    synchronized Set<String> runningLeases() {
        Set<String> running = new HashSet<>();
        for (Event e : events) {
            String leaseId = e.get("leaseId");
            if (leaseId == null) {
                continue;
            }
            switch (e.type()) {
                case "lease" -> running.add(leaseId);
                case "completed", "failed", "released", "cancelled", "lease-lost" -> running.remove(leaseId);
                case "error" -> {
                    if (e.get("message") != null && e.get("message").startsWith("giving the job up")) {
                        running.remove(leaseId);
                    }
                }
                default -> { }
            }
        }
        return running;
    }

    /** {@code key=value} pairs; a value may be quoted ({@code "..."} with {@code \"} and {@code \\} escapes). */
    static Map<String, String> parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = line.substring(i, eq);
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (i < n && line.charAt(i) != '"') {
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < n) {
                        i++;
                        c = line.charAt(i);
                    }
                    value.append(c);
                    i++;
                }
                i++; // the closing quote
            } else {
                while (i < n && line.charAt(i) != ' ') {
                    value.append(line.charAt(i));
                    i++;
                }
            }
            fields.put(key, value.toString());
        }
        return fields;
    }
}
