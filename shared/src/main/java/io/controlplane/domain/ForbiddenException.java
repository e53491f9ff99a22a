package io.controlplane.domain;

/** The caller is authenticated but may not act on this resource (e.g. another principal's agent). */
public final class ForbiddenException extends DomainException {

    public ForbiddenException(String message) {
        super(message);
    }
}
