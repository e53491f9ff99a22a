package io.controlplane.domain;

/**
 * The operation is not a state change, but the current state of what it touches forbids it (a job
 * erased before it finished, a tenant erased while its agents serve others).
 */
public final class InvalidStateException extends DomainException {

    public InvalidStateException(String message) {
        super(message);
    }
}
