package io.controlplane.telemetry;

/**
 * Makes a value that came with a request (a method, a path, a claim of a refused token) safe for a
 * {@code key=value} log line: control characters, whitespace, quotes and {@code =} become {@code ?}
 * (no forged keys or lines), and it is cut to a bounded length. Credentials are masked on the way
 * out anyway ({@link RedactingHandler}, the standalone layout); this is about the line's shape.
 */
public final class LogValues {

    public static final int MAX_CHARS = 200;

    private LogValues() {
    }

    public static String sanitise(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS + 3));
        for (int i = 0; i < value.length() && out.length() < MAX_CHARS; i++) {
            char c = value.charAt(i);
            out.append(Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || c == '"' || c == '=' || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return value.length() > MAX_CHARS ? out + "..." : out.toString();
    }
}
