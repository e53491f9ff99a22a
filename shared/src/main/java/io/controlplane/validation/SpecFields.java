package io.controlplane.validation;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.domain.FieldError;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The field checks {@link JobSpecValidator} applies throughout a spec: unknown fields, required and
 * optional text, enums, and how a submitted value or field name appears in an error (a secret never
 * does).
 */
final class SpecFields {

    private SpecFields() {
    }

    static void unknownFields(JsonNode node, String prefix, Set<String> known, List<FieldError> errors) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (!known.contains(field)) {
                errors.add(new FieldError(path(prefix, label(field)), "unknown field; allowed: " + new TreeSet<>(known)));
            }
        }
    }

    static String path(String prefix, String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    /** A field name as it may appear in an error: a name that is itself a secret is not echoed. */
    static String label(String fieldName) {
        return SecretScanner.secretIn(fieldName).isPresent() ? "<redacted>" : fieldName;
    }

    static String requiredText(JsonNode body, String field, int maxChars, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.asText();
        if (value.isBlank()) {
            errors.add(new FieldError(field, "must not be blank"));
        } else if (value.length() > maxChars) {
            errors.add(new FieldError(field, "must be at most " + maxChars + " characters"));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return value;
    }

    static <E extends Enum<E>> E requiredEnum(JsonNode body, String field, Function<String, Optional<E>> parse,
                                             E[] values, List<FieldError> errors) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required; one of " + Arrays.toString(values)));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string, one of " + Arrays.toString(values)));
            return null;
        }
        Optional<E> parsed = parse.apply(node.asText());
        if (parsed.isEmpty()) {
            errors.add(new FieldError(field, "'" + abbreviate(node.asText()) + "' is not one of " + Arrays.toString(values)));
        }
        return parsed.orElse(null);
    }

    static String optionalText(JsonNode node, String field, int maxChars, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return null;
        }
        String value = node.asText();
        if (value.length() > maxChars) {
            errors.add(new FieldError(field, "must be at most " + maxChars + " characters"));
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return value;
    }

    static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    /** A submitted value as it may appear in an error: printable, at most 64 characters, never a secret. */
    static String abbreviate(String value) {
        if (SecretScanner.secretIn(value).isPresent()) {
            return "<redacted>";
        }
        String printable = value.codePoints()
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() <= 64 ? printable : printable.substring(0, 61) + "...";
    }
}
