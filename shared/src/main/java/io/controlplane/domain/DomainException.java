package io.controlplane.domain;

/** Base of the exceptions the api layer maps to problem types, in one place. */
public abstract class DomainException extends RuntimeException {

    protected DomainException(String message) {
        super(message);
    }

    protected DomainException(String message, Throwable cause) {
        super(message, cause);
    }
}
