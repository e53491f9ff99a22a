package io.controlplane.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A route path such as {@code /api/jobs/{jobId}/history}, matched segment by segment. */
public record PathTemplate(String template) {

    private String[] segments() {
        return template.substring(1).split("/", -1);
    }

    /** The path parameters when {@code rawPath} matches, percent-decoded. */
    public Optional<Map<String, String>> match(String rawPath) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        if (!path.startsWith("/")) {
            return Optional.empty();
        }
        String[] actual = path.substring(1).split("/", -1);
        String[] expected = segments();
        if (actual.length != expected.length) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < expected.length; i++) {
            if (expected[i].startsWith("{") && expected[i].endsWith("}")) {
                String decoded = decode(actual[i], false);
                if (decoded == null || decoded.isEmpty()) {
                    return Optional.empty();
                }
                params.put(expected[i].substring(1, expected[i].length() - 1), decoded);
            } else if (!expected[i].equals(actual[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /** Percent-decodes strict UTF-8; null when the encoding is malformed. */
    static String decode(String raw, boolean plusIsSpace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = hexDigit(raw.charAt(i + 1));
                int lo = hexDigit(raw.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                // Whole code points: a surrogate pair encoded half by half would become "??".
                int codePoint = raw.codePointAt(i);
                if (Character.getType(codePoint) == Character.SURROGATE) {
                    return null; // an unpaired surrogate is not text
                }
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** ASCII hex only: Character.digit would also take other scripts' digits, e.g. fullwidth '１'. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
