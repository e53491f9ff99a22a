package io.controlplane.api;

import java.util.concurrent.CompletableFuture;

/**
 * A request's body as a host delivers it: read only when the API asks, which is after the route
 * matched and the caller was authenticated (an unauthenticated request never makes the host read
 * a body). A host that streams bodies refuses one larger than {@code maxBytes} from its
 * Content-Length, or as soon as more arrives, without buffering past the limit.
 */
@FunctionalInterface
public interface RequestBody {

    /**
     * The whole body, at most {@code maxBytes}; fails with {@link ApiException} of
     * {@link ProblemType#PAYLOAD_TOO_LARGE} beyond that, {@link ProblemType#REQUEST_TIMEOUT} when it
     * did not arrive in time, {@link ProblemType#BAD_REQUEST} when the client broke it off.
     */
    CompletableFuture<byte[]> read(int maxBytes);

    /** A body the host already holds whole (the Functions host, tests). */
    static RequestBody of(byte[] body) {
        byte[] bytes = body == null ? new byte[0] : body;
        return maxBytes -> bytes.length > maxBytes
                ? CompletableFuture.failedFuture(tooLarge(bytes.length, maxBytes))
                : CompletableFuture.completedFuture(bytes);
    }

    /** The refusal of a body of {@code size} bytes (or more, when the size is not known yet). */
    static ApiException tooLarge(long size, int maxBytes) {
        return new ApiException(ProblemType.PAYLOAD_TOO_LARGE, "The body is " + (size > maxBytes ? size : "more than " + maxBytes)
                + " bytes; the limit is " + maxBytes + " bytes.");
    }
}
