package io.controlplane.domain;

/**
 * A lease route was called with a lease that was revoked, expired or superseded, or that is not
 * the caller's: nothing was changed. The fencing answer to a replaced agent.
 */
public final class LeaseLostException extends DomainException {

    public LeaseLostException(String message) {
        super(message);
    }
}
