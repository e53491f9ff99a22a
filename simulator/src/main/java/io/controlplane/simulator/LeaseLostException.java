package io.controlplane.simulator;

/**
 * A lease route answered 409 with a problem type ending {@code lease-lost}: the lease was revoked,
 * expired or superseded (a newer epoch holds the job). Nothing was written; the agent must drop the
 * job at once and never write for this lease again.
 */
public final class LeaseLostException extends ProblemException {

    private static final long serialVersionUID = 1L;

    public LeaseLostException(int status, String type, String title, String detail, String body) {
        super(status, type, title, detail, body);
    }

    /** Whether a 409 problem type names a lost lease (docs/openapi.yaml: the type ends with {@code lease-lost}). */
    static boolean isLeaseLost(int status, String type) {
        return status == 409 && type != null && type.endsWith("lease-lost");
    }
}
