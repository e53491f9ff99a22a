package io.controlplane.cli;

/** The exit codes of cpctl, one per kind of outcome, so scripts can tell them apart. */
public final class ExitCodes {

    /** Done; for {@code jobs watch} and {@code submit --wait}: every job completed. */
    public static final int OK = 0;
    /** A watched job failed or was cancelled, or a refusal with no code of its own (429 quota). */
    public static final int FAILED = 1;
    /** The command line is wrong (unknown option, missing argument, unreadable file). */
    public static final int USAGE = 2;
    /** The server refused the request as invalid (400, 413, 415): the spec or a parameter. */
    public static final int INVALID = 3;
    /** Not signed in, the token expired, or the server refused the token or its roles (401, 403). */
    public static final int AUTH = 4;
    /** The job, agent or tenant does not exist (404). */
    public static final int NOT_FOUND = 5;
    /** The current state does not allow the operation, or a concurrent change won (409, 412). */
    public static final int CONFLICT = 6;
    /** The server failed (5xx), could not be reached, or answered what cpctl cannot read. */
    public static final int SERVER = 7;

    private ExitCodes() {
    }

    /** The exit code of an HTTP error status. */
    public static int ofStatus(int status) {
        return switch (status) {
            case 400, 413, 415, 422 -> INVALID;
            case 401, 403 -> AUTH;
            case 404 -> NOT_FOUND;
            case 409, 412 -> CONFLICT;
            default -> status >= 500 ? SERVER : FAILED;
        };
    }
}
