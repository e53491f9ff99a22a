package io.controlplane.domain;

/**
 * A mapping of a request contradicts a stored one, or another of the same request: a source is
 * already mapped to a different target, or a target from a different source. Nothing of the
 * request was recorded.
 */
public final class MappingConflictException extends DomainException {

    private final IdMapping requested;
    private final IdMapping existing;

    private MappingConflictException(String message, IdMapping requested, IdMapping existing) {
        super(message);
        this.requested = requested;
        this.existing = existing;
    }

    /** {@code requested} contradicts {@code stored}; {@code others} more items of the request conflict too. */
    public static MappingConflictException withStored(IdMapping requested, IdMapping stored, int others) {
        return new MappingConflictException(describe(requested) + " conflicts with the stored mapping " + pair(stored)
                + moreAndNothingRecorded(others), requested, stored);
    }

    /** {@code requested} contradicts {@code earlier}, an item of the same request. */
    public static MappingConflictException withinRequest(IdMapping requested, IdMapping earlier, int others) {
        return new MappingConflictException(describe(requested) + " conflicts with " + pair(earlier)
                + " of the same request" + moreAndNothingRecorded(others), requested, earlier);
    }

    public IdMapping requested() {
        return requested;
    }

    /** The mapping it conflicts with: stored, or earlier in the same request. */
    public IdMapping existing() {
        return existing;
    }

    private static String describe(IdMapping m) {
        return "The mapping " + pair(m);
    }

    private static String pair(IdMapping m) {
        return "of type '" + m.type() + "' from source '" + m.sourceId() + "' to target '" + m.targetId() + "'";
    }

    private static String moreAndNothingRecorded(int others) {
        return " (a source maps to one target, and a target from one source)"
                + (others > 0 ? "; " + others + " more item(s) of the request conflict too" : "")
                + ". Nothing of this request was recorded.";
    }
}
