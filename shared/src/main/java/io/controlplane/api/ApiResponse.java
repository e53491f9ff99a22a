package io.controlplane.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A host-neutral HTTP response. A streamed answer (an event stream) has a {@link Stream} instead of
 * a body: a host that can keep a response open {@link Stream#open opens} it; one that cannot (Azure
 * Functions) {@link Stream#collect collects} what the stream has within a bounded wait, as one body.
 */
public record ApiResponse(int status, Map<String, String> headers, byte[] body, Stream stream) {

    /** The body of a streamed answer, written as it comes. */
    public interface Stream {

        /** Starts writing to {@code transport}; it ends the response when the stream is over. */
        void open(Transport transport);

        /** The stream's first part as a whole body (at least one event, or whatever came within its wait). */
        CompletableFuture<byte[]> collect();
    }

    /** Where a host lets a stream write. */
    public interface Transport {

        /** Writes a chunk now; {@code done} runs with null once it is written, or with the failure. */
        void write(byte[] chunk, Consumer<Throwable> done);

        /** Ends the response (after the last written chunk). */
        void end();
    }

    public ApiResponse {
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public ApiResponse(int status, Map<String, String> headers, byte[] body) {
        this(status, headers, body, null);
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ApiResponse(status, copy, body, stream);
    }

    /** The same answer with other headers. */
    public ApiResponse withHeaders(Map<String, String> replaced) {
        return new ApiResponse(status, replaced, body, stream);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public static ApiResponse empty(int status) {
        return new ApiResponse(status, Map.of(), new byte[0]);
    }
}
