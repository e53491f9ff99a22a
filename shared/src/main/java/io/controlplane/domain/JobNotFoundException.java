package io.controlplane.domain;

/** No such job for this tenant. A job of another tenant is reported the same way. */
public final class JobNotFoundException extends DomainException {

    public JobNotFoundException(String jobId) {
        super("No job with id '" + jobId + "' exists.");
    }
}
