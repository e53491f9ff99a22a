package io.controlplane.domain;

/** The tenant's entitlement does not cover what the request asks for (a tier above its own, a region outside its list). */
public final class NotEntitledException extends DomainException {

    public NotEntitledException(String message) {
        super(message);
    }
}
