package io.controlplane.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.domain.FieldError;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads JSON request bodies, refusing non-JSON media types and malformed documents clearly. */
final class RequestBodies {

    private final ObjectMapper json;

    RequestBodies(ObjectMapper json) {
        this.json = json;
    }

    /** The body as a JSON tree; null when the body is empty and {@code required} is false. */
    JsonNode read(ApiRequest request, boolean required) {
        String contentType = request.header("Content-Type");
        if (request.body().length == 0) {
            if (required) {
                throw new ApiException(ProblemType.VALIDATION, "A JSON body is required.",
                        List.of(new FieldError("", "the body is empty; send a JSON object")), Map.of());
            }
            return null;
        }
        if (contentType != null && !isJson(contentType)) {
            throw new ApiException(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Content-Type '" + mediaType(contentType)
                    + "' is not accepted; send application/json.");
        }
        try {
            JsonNode node = json.readTree(request.body());
            if (node == null || node.isMissingNode()) {
                throw new ApiException(ProblemType.VALIDATION, "A JSON body is required.",
                        List.of(new FieldError("", "the body is empty; send a JSON object")), Map.of());
            }
            String notUnicode = unpairedSurrogateAt(node);
            if (notUnicode != null) {
                throw new ApiException(ProblemType.MALFORMED_JSON, "The body is not valid JSON (a string escapes half of a "
                        + "surrogate pair, which is not Unicode text).", List.of(new FieldError(notUnicode,
                        "holds an unpaired surrogate escape (\\uD800 to \\uDFFF)")), Map.of());
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ApiException(ProblemType.MALFORMED_JSON, "The body is not valid JSON" + where
                    + " (" + reason(e) + ").", List.of(new FieldError("", "malformed JSON" + where)), Map.of());
        } catch (IOException e) {
            throw new ApiException(ProblemType.MALFORMED_JSON, "The body could not be read as JSON.");
        }
    }

    /**
     * Where the first string (value or field name) holding an unpaired surrogate is, or null. JSON's
     * unicode escapes let a document carry one; it is no text (RFC 7493 forbids it), and storage
     * cannot carry it either (a Table Storage key with one cannot be put in a URL: it was a 500).
     */
    static String unpairedSurrogateAt(JsonNode root) {
        Deque<Map.Entry<String, JsonNode>> pending = new ArrayDeque<>();
        pending.push(Map.entry("", root));
        while (!pending.isEmpty()) {
            Map.Entry<String, JsonNode> next = pending.pop();
            String path = next.getKey();
            JsonNode node = next.getValue();
            if (node.isTextual() && hasUnpairedSurrogate(node.textValue())) {
                return path;
            }
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    if (hasUnpairedSurrogate(field.getKey())) {
                        return path;
                    }
                    pending.push(Map.entry(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), field.getValue()));
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    pending.push(Map.entry(path + "[" + i + "]", node.get(i)));
                }
            }
        }
        return null;
    }

    private static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The parser's complaint without the offending text, which may hold anything (even a secret). */
    private static String reason(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("duplicate field")) {
            return "a field appears twice";
        }
        if (message.contains("unexpected end-of-input")) {
            return "the document ends too early";
        }
        if (message.contains("nesting depth")) {
            return "nested too deeply";
        }
        if (message.contains("string value length") || message.contains("number value length")) {
            return "a value is too long";
        }
        if (message.contains("invalid utf-8")) {
            return "the bytes are not UTF-8";
        }
        return "unexpected content";
    }

    /** The media type before any parameters; not split(";")[0], which fails on ";" (split drops empty strings). */
    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    }

    private static boolean isJson(String contentType) {
        String media = mediaType(contentType).toLowerCase(Locale.ROOT);
        return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
    }
}
