package io.controlplane.standalone;

import io.controlplane.api.ApiRequest;
import io.controlplane.api.ApiResponse;
import io.controlplane.api.HttpApi;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Converts between Jetty's request and response and the host-neutral {@link ApiRequest} /
 * {@link ApiResponse}; nothing else. The body is handed over unread ({@link StreamedBody}): the API
 * reads it once the caller is authenticated. The answer is written when the API's future completes,
 * so a parked long poll holds no thread. (A blocking handler to Jetty: the API's synchronous part
 * does storage round trips, so Jetty never runs it on a selector thread.)
 */
final class ApiHandler extends Handler.Abstract {

    /** A streamed answer's chunks, written through Jetty's asynchronous writes; the last one ends the exchange. */
    private static final class JettyTransport implements ApiResponse.Transport {
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean ended = new AtomicBoolean();

        JettyTransport(Response response, Callback callback) {
            this.response = response;
            this.callback = callback;
        }

        @Override
        public void write(byte[] chunk, Consumer<Throwable> done) {
            response.write(false, ByteBuffer.wrap(chunk), Callback.from(() -> done.accept(null), done::accept));
        }

        @Override
        public void end() {
            if (ended.compareAndSet(false, true)) {
                response.write(true, null, callback);
            }
        }
    }

    private final HttpApi api;
    private final Duration bodyTimeout;
    private final Executor executor;
    private final HeaderDeadlines headerDeadlines;

    ApiHandler(HttpApi api, Duration bodyTimeout, Executor executor, HeaderDeadlines headerDeadlines) {
        this.api = api;
        this.bodyTimeout = bodyTimeout;
        this.executor = executor;
        this.headerDeadlines = headerDeadlines;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        headerDeadlines.requestStarted(request, callback);
        // Our own deadlines bound every request (the body's; a long poll's wait): the connection's
        // idle timeout must not end a parked long poll, which sends nothing until it is answered.
        request.addIdleTimeoutListener(timeout -> false);
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.putIfAbsent(field.getName(), field.getValue());
        }
        String path = request.getHttpURI().getPath();
        ApiRequest head = new ApiRequest(request.getMethod(), path == null ? "/" : path,
                ApiRequest.parseQuery(request.getHttpURI().getQuery()), headers, null);
        StreamedBody body = new StreamedBody(request, bodyTimeout, executor);
        api.handleAsync(head, body).whenComplete((answer, failure) -> {
            if (answer != null && answer.status() == 413) {
                body.drain().whenComplete((drained, ignored) -> write(request, response, callback, answer, failure, body.consumed()));
            } else {
                write(request, response, callback, answer, failure, body.consumed());
            }
        });
        return true;
    }

    private void write(Request request, Response response, Callback callback, ApiResponse answer, Throwable failure,
                       boolean bodyConsumed) {
        if (failure != null || answer == null) {
            // HttpApi answers every failure itself; this is a bug in it, not the client's doing.
            Response.writeError(request, response, callback, 500, "unanswered", failure);
            return;
        }
        response.setStatus(answer.status());
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        if (answer.stream() != null && !"HEAD".equals(request.getMethod())) {
            // An event stream: written as it comes (chunked), with no thread held between writes.
            answer.stream().open(new JettyTransport(response, callback));
            return;
        }
        if (!bodyConsumed || answer.status() == 408 || answer.status() == 413) {
            // The body was not read (an unauthenticated caller, a refusal): the connection cannot
            // carry another request, and saying so keeps the client from reusing it.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        boolean noBody = answer.body().length == 0 || "HEAD".equals(request.getMethod());
        if (noBody) {
            if (answer.status() != 204 && answer.status() != 304) {
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
            }
            response.write(true, null, callback);
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
            response.write(true, ByteBuffer.wrap(answer.body()), callback);
        }
    }
}
