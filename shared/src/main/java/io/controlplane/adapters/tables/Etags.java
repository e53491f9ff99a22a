package io.controlplane.adapters.tables;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;

/**
 * ETags read from response headers. Seen on Azurite through the JDK HTTP client: a weak ETag
 * arrives without its closing quote ({@code W/"datetime'…'}), which the service then refuses in
 * If-Match (400). A well-formed value passes unchanged.
 */
final class Etags {

    private Etags() {
    }

    static String from(HttpHeaders headers) {
        return normalize(headers.getValue(HttpHeaderName.ETAG));
    }

    static String normalize(String etag) {
        if (etag != null && etag.startsWith("W/\"") && !etag.endsWith("\"")) {
            return etag + "\"";
        }
        return etag;
    }
}
