package io.controlplane.ports;

import io.controlplane.domain.DomainException;

/** A continuation token that this service did not issue (or that was altered). */
public final class InvalidContinuationTokenException extends DomainException {

    public InvalidContinuationTokenException() {
        super("The continuationToken is not one this service issued; start the listing again without it.");
    }
}
