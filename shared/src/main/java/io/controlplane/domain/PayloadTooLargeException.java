package io.controlplane.domain;

/** A request or a stored entity would exceed a size limit. */
public final class PayloadTooLargeException extends DomainException {

    private final long limitBytes;

    public PayloadTooLargeException(String what, long actualBytes, long limitBytes) {
        super(what + " is " + actualBytes + " bytes; the limit is " + limitBytes + " bytes.");
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
