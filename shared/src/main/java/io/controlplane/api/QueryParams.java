package io.controlplane.api;

import io.controlplane.domain.FieldError;
import java.util.List;

/** Query parameters every route reads the same way. */
final class QueryParams {

    private QueryParams() {
    }

    /**
     * {@code waitSeconds}: {@code absent} when not given; not an integer from 0 to {@code max} adds a
     * field error (and gives {@code absent}).
     */
    static int waitSeconds(ApiRequest request, int max, int absent, List<FieldError> errors) {
        String raw = request.queryParam("waitSeconds");
        if (raw == null) {
            return absent;
        }
        int wait;
        try {
            wait = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            wait = -1;
        }
        if (wait < 0 || wait > max) {
            errors.add(new FieldError("waitSeconds", "must be an integer from 0 to " + max));
            return absent;
        }
        return wait;
    }

    /** A {@code true|false} parameter: absent is false; anything else adds a field error. */
    static boolean flag(ApiRequest request, String name, List<FieldError> errors) {
        String value = request.queryParam(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        errors.add(new FieldError(name, "must be true or false"));
        return false;
    }
}
