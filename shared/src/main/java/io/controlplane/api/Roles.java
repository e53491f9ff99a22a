package io.controlplane.api;

/** The application roles of API.md, as they appear in a token's {@code roles} claim. */
public final class Roles {

    public static final String JOBS_SUBMIT = "Jobs.Submit";
    public static final String JOBS_READ = "Jobs.Read";
    public static final String JOBS_MANAGE = "Jobs.Manage";
    public static final String AGENTS_RUN = "Agents.Run";
    public static final String ADMIN = "ControlPlane.Admin";

    private Roles() {
    }
}
