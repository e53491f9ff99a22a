package io.controlplane.functions;

import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import io.controlplane.api.ApiRequest;
import io.controlplane.api.ApiResponse;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Converts between the Functions HTTP types and the host-neutral api types, and nothing more:
 * routing, auth and errors are the api's.
 */
final class HttpConversion {

    private HttpConversion() {
    }

    /**
     * The raw path and query are taken from the URI, still percent-encoded, so the api decodes
     * path parameters and query values itself exactly as it does behind the standalone host.
     */
    static ApiRequest toApiRequest(HttpRequestMessage<Optional<byte[]>> request) {
        URI uri = request.getUri();
        Optional<byte[]> body = request.getBody();
        return new ApiRequest(
                request.getHttpMethod().name(),
                uri.getRawPath(),
                ApiRequest.parseQuery(uri.getRawQuery()),
                request.getHeaders(),
                body == null ? null : body.orElse(null));
    }

    static HttpResponseMessage toHttpResponse(HttpRequestMessage<?> request, ApiResponse response) {
        // custom() carries any status the api chooses, named in the HttpStatus enum or not.
        HttpResponseMessage.Builder builder = request.createResponseBuilder(HttpStatusType.custom(response.status()));
        for (Map.Entry<String, String> header : response.headers().entrySet()) {
            builder.header(header.getKey(), header.getValue());
        }
        // A function's answer cannot stay open: an event stream answers with its first events (or
        // what came within its wait), and the client reconnects with Last-Event-ID for the next.
        byte[] body = response.stream() != null ? response.stream().collect().join() : response.body();
        if (body.length > 0) {
            builder.body(body);
        }
        return builder.build();
    }
}
