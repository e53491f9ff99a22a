package io.controlplane.standalone;

import io.controlplane.api.ApiResponse;
import io.controlplane.api.HttpApi;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers to requests it refuses before the API sees them (a request target that does not
 * parse, a bad header, headers too large, a URI too long): the API's problem documents
 * ({@link HttpApi#transportProblem}), never Jetty's HTML error page.
 */
final class ProblemErrorHandler extends ErrorHandler {

    private final HttpApi api;

    ProblemErrorHandler(HttpApi api) {
        this.api = api;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Throwable cause = request.getAttribute(ERROR_EXCEPTION) instanceof Throwable t ? t : null;
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        String message = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : null;
        if (closing(cause)) {
            // The connection ended before the request did (the client left, or the host closed a
            // head that came too slowly): a broken request, never a 5xx.
            status = 400;
            message = "The connection ended before the request was complete.";
        }
        String path = null;
        try {
            path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
            if ("/badMessage".equals(path)) {
                path = null; // Jetty's stand-in for a target it could not parse
            }
        } catch (RuntimeException unreadable) {
            // a target that did not parse: no instance
        }
        ApiResponse problem = api.transportProblem(status, message, path);
        response.setStatus(problem.status());
        response.getHeaders().remove(HttpHeader.CONTENT_TYPE);
        problem.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, problem.body().length);
        response.write(true, ByteBuffer.wrap(problem.body()), callback);
        return true;
    }

    private static boolean closing(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof EofException || t instanceof ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    /** A message Jetty cannot even make a request of (HTTP/1 parse errors): same document. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        ApiResponse problem = api.transportProblem(status, reason, null);
        fields.remove(HttpHeader.CONTENT_TYPE);
        problem.headers().forEach((name, value) -> fields.put(new HttpField(name, value)));
        return ByteBuffer.wrap(problem.body());
    }
}
