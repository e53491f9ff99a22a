package io.controlplane.standalone;

import io.controlplane.api.ApiException;
import io.controlplane.api.ProblemType;
import io.controlplane.api.RequestBody;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * A Jetty request's body, read without blocking when the API asks for it: refused from its
 * Content-Length when that is over the limit (nothing read), refused as soon as more than the limit
 * has streamed in (nothing kept past it), and given up at the body deadline, counted from the
 * moment the API asked. Reading resumes on Jetty's threads as bytes arrive; no thread waits.
 */
final class StreamedBody implements RequestBody {

    /**
     * Beyond this much, the rest of a refused body is not read: the connection is closed after the
     * answer. Up to it, the rest is read and discarded first, so that a client still sending (most do
     * not read before they have sent) gets the 413 rather than a connection reset.
     */
    static final long MAX_DRAIN_BYTES = 64L * 1024 * 1024;

    private final Request request;
    private final Duration deadline;
    private final Executor executor;
    private volatile boolean complete;

    StreamedBody(Request request, Duration deadline, Executor executor) {
        this.request = request;
        this.deadline = deadline;
        this.executor = executor;
    }

    /** Whether the connection can carry another request: the body was read to its end, or there was none. */
    boolean consumed() {
        return complete || request.getLength() == 0;
    }

    @Override
    public CompletableFuture<byte[]> read(int maxBytes) {
        long declared = request.getLength();
        if (declared == 0) {
            complete = true;
            return CompletableFuture.completedFuture(new byte[0]);
        }
        if (declared > maxBytes) {
            return CompletableFuture.failedFuture(RequestBody.tooLarge(declared, maxBytes));
        }
        Reader reader = new Reader(maxBytes, declared, false);
        return withDeadline(reader);
    }

    /**
     * After a 413: reads and discards the rest of the body (within the body deadline and
     * {@link #MAX_DRAIN_BYTES}); completes when it is all read or when reading stopped.
     */
    CompletableFuture<Void> drain() {
        if (complete || request.getLength() > MAX_DRAIN_BYTES) {
            return CompletableFuture.completedFuture(null);
        }
        return withDeadline(new Reader(Integer.MAX_VALUE, 0, true)).handle((bytes, failure) -> null);
    }

    private CompletableFuture<byte[]> withDeadline(Reader reader) {
        reader.run();
        if (reader.result.isDone()) {
            return reader.result;
        }
        // Not all here yet: wait (no thread held) until the deadline, and go on on a pool thread,
        // never on the selector that delivered the last bytes.
        var timer = request.getComponents().getScheduler().schedule(() -> {
            if (reader.result.completeExceptionally(new ApiException(ProblemType.REQUEST_TIMEOUT,
                    "The body did not arrive within " + deadline.toMillis() + " ms."))) {
                request.fail(new TimeoutException("body deadline")); // stop reading; the connection closes after the answer
            }
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        reader.result.whenComplete((bytes, failure) -> timer.cancel());
        return reader.result.thenApplyAsync(bytes -> bytes, executor);
    }

    /** Reads what is there, asks to be called again when more arrives, until the end or the limit. */
    private final class Reader implements Runnable {
        private final long maxBytes;
        private final boolean discard;
        private final ByteArrayOutputStream bytes;
        private long seen;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();

        Reader(int maxBytes, long declared, boolean discard) {
            this.maxBytes = discard ? MAX_DRAIN_BYTES : maxBytes;
            this.discard = discard;
            this.bytes = new ByteArrayOutputStream(declared > 0 && !discard ? (int) declared : 1024);
        }

        @Override
        public void run() {
            while (!result.isDone()) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    result.completeExceptionally(new ApiException(ProblemType.BAD_REQUEST,
                            "The body could not be read: " + chunk.getFailure().getMessage()));
                    return;
                }
                boolean last = chunk.isLast();
                try {
                    ByteBuffer buffer = chunk.getByteBuffer();
                    seen += buffer.remaining();
                    if (seen > maxBytes) {
                        result.completeExceptionally(RequestBody.tooLarge(seen, (int) Math.min(Integer.MAX_VALUE, maxBytes)));
                        return;
                    }
                    if (!discard) {
                        byte[] copy = new byte[buffer.remaining()];
                        buffer.get(copy);
                        bytes.write(copy, 0, copy.length);
                    }
                } finally {
                    chunk.release();
                }
                if (last) {
                    complete = true;
                    result.complete(bytes.toByteArray());
                    return;
                }
            }
        }
    }
}
