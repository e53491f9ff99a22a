package io.controlplane.domain;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One ID mapping an agent found or made during a migration: the item of {@code type} known as
 * {@code sourceId} in the source system is {@code targetId} in the target (a work item, an area
 * path, a test case...). Within one scope a source maps to one target and a target from one source.
 *
 * <p>The rules for valid values are kept here so that use cases and routes agree on them; the
 * value itself is plain (a request may name an invalid mapping, and is told why).
 */
public record IdMapping(String type, String sourceId, String targetId) {

    public static final Pattern TYPE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    public static final int MAX_ID_CHARS = 256;
    /** Separates the parts of a store key, so it may appear in no id. */
    public static final char KEY_SEPARATOR = '|';

    /** Why {@code type} is not a valid mapping type, if it is not. */
    public static Optional<String> typeProblem(String type) {
        if (type == null) {
            return Optional.of("is required");
        }
        if (!TYPE.matcher(type).matches()) {
            return Optional.of("must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return Optional.empty();
    }

    /** Why {@code id} is not a valid source or target id, if it is not. */
    public static Optional<String> idProblem(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("is required");
        }
        if (id.length() > MAX_ID_CHARS) {
            return Optional.of("must be at most " + MAX_ID_CHARS + " characters");
        }
        if (id.indexOf(KEY_SEPARATOR) >= 0 || !KeySafety.isKeySafe(id)) {
            return Optional.of("must not contain '|', '/', '\\', '#', '?' or control characters");
        }
        return Optional.empty();
    }
}
