package io.controlplane.domain;

/** Someone else changed the entity since it was read (ETag mismatch); nothing was written. */
public final class ConcurrencyConflictException extends DomainException {

    public ConcurrencyConflictException(String message) {
        super(message);
    }

    public ConcurrencyConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
