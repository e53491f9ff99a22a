package io.controlplane.domain;

/** One problem with one field of a request, as reported in a problem's {@code errors} list. */
public record FieldError(String field, String message) {
}
