package io.controlplane.api;

import java.util.List;

/** The application roles of the REST contract (docs/openapi.yaml), as they appear in a token's {@code roles} claim. */
public final class Roles {

    public static final String JOBS_SUBMIT = "Jobs.Submit";
    public static final String JOBS_READ = "Jobs.Read";
    public static final String JOBS_MANAGE = "Jobs.Manage";
    public static final String AGENTS_RUN = "Agents.Run";
    public static final String ADMIN = "ControlPlane.Admin";

    /** Every role, in the order docs/openapi.yaml lists them. */
    public static final List<String> ALL = List.of(JOBS_SUBMIT, JOBS_READ, JOBS_MANAGE, AGENTS_RUN, ADMIN);

    private Roles() {
    }
}
