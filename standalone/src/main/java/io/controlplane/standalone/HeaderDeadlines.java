package io.controlplane.standalone;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Closes an HTTP/1 connection whose request headers do not arrive in time. Jetty's idle timeout
 * restarts with every byte, so a client trickling one header byte a second would hold a
 * connection for ever; this is a deadline for the whole head instead. A connection is looked at
 * one header timeout after it opened or answered, and again every header timeout while no request
 * starts: one found reading the same head twice in a row is closed. One that has not begun a head
 * (an idle keep-alive) is left to the idle timeout. So a head gets between one and two header
 * timeouts, measured without a timer per byte and without closing a keep-alive connection whose
 * next request just began.
 */
final class HeaderDeadlines implements Connection.Listener {

    private final Duration timeout;
    private final Scheduler scheduler;
    private final Map<HttpConnection, State> connections = new ConcurrentHashMap<>();

    /** One connection: whether a request is being handled, and the pending deadline. */
    private static final class State {
        private volatile boolean handling;
        private volatile Scheduler.Task task;
        /** Requests started on the connection, and how many had started when a head was last seen in progress. */
        private volatile long started;
        private volatile long headSeenAt = -1;
    }

    HeaderDeadlines(Duration timeout, Scheduler scheduler) {
        this.timeout = timeout;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            State state = new State();
            connections.put(http, state);
            arm(http, state);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        if (connection instanceof HttpConnection http) {
            State state = connections.remove(http);
            if (state != null && state.task != null) {
                state.task.cancel();
            }
        }
    }

    /** A request's head arrived whole: no deadline until it is answered. */
    void requestStarted(Request request, Callback callback) {
        if (!(request.getConnectionMetaData().getConnection() instanceof HttpConnection http)) {
            return; // HTTP/2 streams: frames arrive whole, the connection's idle timeout bounds the rest
        }
        State state = connections.get(http);
        if (state == null) {
            return;
        }
        state.handling = true;
        state.started++;
        Scheduler.Task pending = state.task;
        if (pending != null) {
            pending.cancel();
        }
        Request.addCompletionListener(request, failure -> {
            state.handling = false;
            state.headSeenAt = -1;
            arm(http, state);
        });
    }

    /**
     * Whether the parser holds part of a head: past START and not yet through the headers. An idle
     * keep-alive connection can sit in END (or START) until its next request: that is not a head.
     */
    private static boolean readingHead(HttpParser parser) {
        int state = parser.getState().ordinal();
        return state > HttpParser.State.START.ordinal()
                && state <= HttpParser.State.HEADER.ordinal();
    }

    private void arm(HttpConnection http, State state) {
        state.task = scheduler.schedule(() -> expire(http, state), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void expire(HttpConnection http, State state) {
        if (!connections.containsKey(http) || state.handling) {
            return;
        }
        if (!readingHead(http.getParser())) {
            state.headSeenAt = -1;
            arm(http, state); // idle between requests: the idle timeout's business
            return;
        }
        if (state.headSeenAt == state.started) {
            http.getEndPoint().close(); // the same head, still not whole, a header timeout later
            return;
        }
        state.headSeenAt = state.started;
        arm(http, state);
    }
}
