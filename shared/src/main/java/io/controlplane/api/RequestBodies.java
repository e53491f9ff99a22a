package io.controlplane.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.domain.FieldError;
import java.io.IOException;
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
