package io.controlplane.api;

/** A dependency the service needs in order to answer (storage, queues), probed by /api/health/ready. */
@FunctionalInterface
public interface ReadinessCheck {

    /** Returns when the dependency answers; throws when it does not. */
    void check() throws Exception;
}
