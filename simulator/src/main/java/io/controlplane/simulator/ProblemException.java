package io.controlplane.simulator;

import java.util.Optional;

/**
 * The control plane answered with an error status. Carries what an agent needs to decide what to
 * do next: the HTTP status, the problem {@code type} (RFC 9457; null when the body was not a
 * problem document) and the raw body for logs and diagnostics.
 */
public class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final String body;

    public ProblemException(int status, String type, String title, String detail, String body) {
        super(message(status, type, title, detail));
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
        this.body = body == null ? "" : body;
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The problem's {@code type} URI, e.g. {@code urn:controlplane:problem:lease-lost}; null when absent. */
    public String type() {
        return type;
    }

    /** The last path or URN segment of {@link #type()}, e.g. {@code lease-lost}; empty when absent. */
    public String shortType() {
        if (type == null || type.isBlank()) {
            return "";
        }
        int cut = Math.max(Math.max(type.lastIndexOf('/'), type.lastIndexOf(':')), type.lastIndexOf('#'));
        return type.substring(cut + 1);
    }

    public Optional<String> title() {
        return Optional.ofNullable(title);
    }

    public Optional<String> detail() {
        return Optional.ofNullable(detail);
    }

    /** The response body as received (a problem document, or whatever a proxy put there). */
    public String body() {
        return body;
    }

    private static String message(int status, String type, String title, String detail) {
        StringBuilder text = new StringBuilder("HTTP ").append(status);
        if (type != null) {
            text.append(' ').append(type);
        }
        if (title != null) {
            text.append(": ").append(title);
        }
        if (detail != null) {
            text.append(" (").append(detail).append(')');
        }
        return text.toString();
    }
}
