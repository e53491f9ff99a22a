package io.controlplane.domain;

/** How the control plane treats a job when it fails or when higher tiers need its agent. */
public record JobPolicy(int maxRetries, boolean preemptible) {

    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final int MAX_RETRIES_LIMIT = 20;

    public static JobPolicy defaults() {
        return new JobPolicy(DEFAULT_MAX_RETRIES, true);
    }
}
