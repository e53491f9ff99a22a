package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Ends the command with {@link #exitCode()}; the message is printed on stderr. A refusal by the
 * server carries its RFC 9457 problem document and the request id.
 */
public class CliException extends RuntimeException {

    private final int exitCode;
    private final int status;
    private final JsonNode problem;
    private final String requestId;

    public CliException(int exitCode, String message) {
        this(exitCode, message, 0, null, null, null);
    }

    public CliException(int exitCode, String message, Throwable cause) {
        this(exitCode, message, 0, null, null, cause);
    }

    private CliException(int exitCode, String message, int status, JsonNode problem, String requestId, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.status = status;
        this.problem = problem;
        this.requestId = requestId;
    }

    /** The server answered {@code status} with {@code problem} (may be null when the body was not one). */
    public static CliException refused(int status, JsonNode problem, String requestId, String fallback) {
        String title = problem != null && problem.hasNonNull("title") ? problem.get("title").asText() : fallback;
        return new CliException(ExitCodes.ofStatus(status), title, status, problem, requestId, null);
    }

    public int exitCode() {
        return exitCode;
    }

    /** The HTTP status of a refusal, 0 otherwise. */
    public int status() {
        return status;
    }

    public JsonNode problem() {
        return problem;
    }

    public String requestId() {
        return requestId;
    }
}
