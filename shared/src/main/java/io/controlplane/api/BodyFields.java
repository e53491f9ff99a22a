package io.controlplane.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.domain.FieldError;
import io.controlplane.validation.SecretScanner;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads typed fields of a JSON body, collecting every problem (the caller throws them all at once). */
final class BodyFields {

    private final JsonNode body;
    private final List<FieldError> errors = new ArrayList<>();

    BodyFields(JsonNode body) {
        this.body = body;
        if (body != null && !body.isObject()) {
            errors.add(new FieldError("", "the body must be a JSON object"));
        }
    }

    List<FieldError> errors() {
        return errors;
    }

    private JsonNode node(String field) {
        return body == null || !body.isObject() ? null : body.get(field);
    }

    /** Whether the body has the field with a value other than null. */
    boolean has(String field) {
        JsonNode n = node(field);
        return n != null && !n.isNull();
    }

    String text(String field, boolean required, int maxChars, Pattern pattern, String fallback) {
        JsonNode n = node(field);
        if (n == null || n.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return fallback;
        }
        if (!n.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
            return fallback;
        }
        String value = n.asText();
        if (value.length() > maxChars) {
            errors.add(new FieldError(field, "must be at most " + maxChars + " characters"));
        } else if (pattern != null && !pattern.matcher(value).matches()) {
            errors.add(new FieldError(field, "must match " + pattern.pattern()));
        } else if (pattern == null && value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
            errors.add(new FieldError(field, "must not contain control characters other than line breaks and tabs"));
        }
        return value;
    }

    long integer(String field, boolean required, long min, long max, long fallback) {
        JsonNode n = node(field);
        if (n == null || n.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            errors.add(new FieldError(field, "must be an integer from " + min + " to " + max));
            return fallback;
        }
        return n.asLong();
    }

    double number(String field, boolean required, double min, double max, double fallback) {
        JsonNode n = node(field);
        if (n == null || n.isNull()) {
            if (required) {
                errors.add(new FieldError(field, "is required"));
            }
            return fallback;
        }
        if (!n.isNumber() || Double.isNaN(n.asDouble()) || n.asDouble() < min || n.asDouble() > max) {
            errors.add(new FieldError(field, "must be a number from " + min + " to " + max));
            return fallback;
        }
        return n.asDouble();
    }

    boolean bool(String field, boolean fallback) {
        JsonNode n = node(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            errors.add(new FieldError(field, "must be true or false"));
            return fallback;
        }
        return n.asBoolean();
    }

    Set<String> names(String field, int maxItems, Pattern pattern) {
        JsonNode n = node(field);
        Set<String> values = new LinkedHashSet<>();
        if (n == null || n.isNull()) {
            return values;
        }
        if (!n.isArray() || n.size() > maxItems) {
            errors.add(new FieldError(field, "must be an array of at most " + maxItems + " names"));
            return values;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            if (!item.isTextual() || !pattern.matcher(item.asText()).matches()) {
                errors.add(new FieldError(field + "[" + i + "]", "must match " + pattern.pattern()));
            } else {
                values.add(item.asText());
            }
        }
        return values;
    }

    Map<String, Long> counters(String field, int maxEntries, Pattern namePattern) {
        JsonNode n = node(field);
        Map<String, Long> counters = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return counters;
        }
        if (!n.isObject() || n.size() > maxEntries) {
            errors.add(new FieldError(field, "must be an object of at most " + maxEntries + " counters"));
            return counters;
        }
        n.fields().forEachRemaining(e -> {
            if (!namePattern.matcher(e.getKey()).matches()) {
                errors.add(new FieldError(field, "counter names must match " + namePattern.pattern()));
            } else if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToLong() || e.getValue().asLong() < 0) {
                errors.add(new FieldError(field + "." + e.getKey(), "must be a non-negative integer"));
            } else {
                counters.put(e.getKey(), e.getValue().asLong());
            }
        });
        return counters;
    }

    /** Free text from an agent (messages, errors): bounded, control characters and secrets replaced. */
    static String sanitized(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        String clean = text.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "?");
        if (SecretScanner.secretIn(clean).isPresent()) {
            clean = "[redacted: the text contained what looks like a credential]";
        }
        return clean.length() <= maxChars ? clean : clean.substring(0, maxChars) + "...";
    }
}
