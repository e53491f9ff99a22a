package io.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.domain.FieldError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds JSON and problem+json responses. */
final class Responses {

    static final String JSON = "application/json";
    static final String PROBLEM_JSON = "application/problem+json";

    private final ObjectMapper json;

    Responses(ObjectMapper json) {
        this.json = json;
    }

    ApiResponse json(int status, Object body) {
        return new ApiResponse(status, Map.of("Content-Type", JSON), write(body));
    }

    ApiResponse problem(ProblemType type, String detail, String instance, List<FieldError> errors, Map<String, String> headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.uri());
        body.put("title", type.title());
        body.put("status", type.status());
        body.put("detail", detail);
        if (instance != null) {
            body.put("instance", instance);
        }
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        Map<String, String> allHeaders = new LinkedHashMap<>(headers);
        allHeaders.put("Content-Type", PROBLEM_JSON);
        return new ApiResponse(type.status(), allHeaders, write(body));
    }

    private byte[] write(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialise a response", e);
        }
    }
}
