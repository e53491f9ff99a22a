package io.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event stream's parsing, and the watch from it: coalesced reads, resets, reconnects, the
 * fallback. A watch that misses what it should react to waits for ever: the timeout fails it.
 */
@Timeout(30)
class EventJobUpdatesTest {

    private static final Duration WINDOW = Duration.ofMillis(300);
    private static final EventJobUpdates.Timing FAST = new EventJobUpdates.Timing(WINDOW, Duration.ofMillis(10),
            Duration.ofMillis(50), Duration.ofSeconds(30));

    private final ObjectMapper json = new ObjectMapper();
    /** Each job's state as the fake server gives it. */
    private final Map<String, String> states = new ConcurrentHashMap<>();
    /** The job reads made, in order, and when (nanoTime). */
    private final List<String> reads = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> readTimes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    private JsonNode read(String id) {
        reads.add(id);
        readTimes.add(System.nanoTime());
        return json.createObjectNode().put("id", id).put("state", states.getOrDefault(id, "Running"));
    }

    /** One stream's text as the test sends it; reading blocks until more is sent, or it is ended. */
    static final class Feed extends Reader {
        private static final String END = new String("end");
        private final BlockingQueue<String> chunks = new LinkedBlockingQueue<>();
        private String chunk = "";
        private int pos;
        /** Not the reader itself: a BufferedReader holds the reader's monitor while it reads. */
        private final Object monitor = new Object();
        private boolean waiting;

        void send(String text) {
            chunks.add(text);
        }

        void end() {
            chunks.add(END);
        }

        /** Until the reader has read everything sent and waits for more. */
        void awaitConsumed() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            synchronized (monitor) {
                while (!(waiting && chunks.isEmpty())) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("the stream's reader read what was sent").isPositive();
                    monitor.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            if (pos == chunk.length()) {
                String next = chunks.poll();
                if (next == null) {
                    synchronized (monitor) {
                        waiting = true;
                        monitor.notifyAll();
                    }
                    try {
                        next = chunks.take();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    } finally {
                        synchronized (monitor) {
                            waiting = false;
                        }
                    }
                }
                if (next == END) {
                    chunks.add(END);
                    return -1;
                }
                chunk = next;
                pos = 0;
            }
            int n = Math.min(length, chunk.length() - pos);
            chunk.getChars(pos, pos + n, buffer, offset);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            end();
        }
    }

    /** Hands out the feeds in order, noting the Last-Event-ID each open was given. */
    static final class FakeTransport implements EventJobUpdates.Transport {
        final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
        final List<String> opened = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Reader open(String lastEventId) throws IOException {
            opened.add(String.valueOf(lastEventId));
            Object answer;
            try {
                answer = answers.take();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            if (answer instanceof RuntimeException refused) {
                throw refused;
            }
            return (Reader) answer;
        }
    }

    private static String event(String id, String type, String jobId) {
        return "id: " + id + "\nevent: " + type + "\ndata: {\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"jobId\":\"" + jobId
                + "\",\"tenantId\":\"t\"}\n\n";
    }

    private EventJobUpdates updates(FakeTransport transport, List<String> ids) {
        return new EventJobUpdates(this::read, transport, () -> new PollingJobUpdates(this::read, ids, Duration.ofMillis(1)), ids,
                json, FAST, notes::add);
    }

    private static List<String> ids(List<JsonNode> views) {
        return views.stream().map(v -> v.path("id").asText()).toList();
    }

    @Test
    void theEventStreamIsParsedAsTheFormatSays() throws IOException {
        ServerSentEvents events = new ServerSentEvents(new StringReader("retry: 2000\n\n"
                + ": keep-alive\n\n"
                + "id: e-1\nevent: progress\ndata: {\"a\":1}\n\n"
                + "data:first\r\ndata: second\r\n\r\n"          // no type, CRLF lines, two data lines
                + "id: e-3\n\n"                                  // an id without data: kept, nothing dispatched
                + "event: state\nunknown: x\ndata\n\n"           // a field without a colon: empty data
                + "id: e-5\nevent: state\ndata: {\"cut\":true}\n"));   // not ended by a blank line: dropped

        assertThat(events.next()).isEqualTo(new ServerSentEvents.Event("e-1", "progress", "{\"a\":1}"));
        assertThat(events.retryMillis()).isEqualTo(2000L);
        assertThat(events.next()).isEqualTo(new ServerSentEvents.Event("e-1", "message", "first\nsecond"));
        assertThat(events.next()).isEqualTo(new ServerSentEvents.Event("e-3", "state", ""));
        assertThat(events.next()).isNull();
        assertThat(events.lastEventId()).as("the id field is kept even when its event is cut off").isEqualTo("e-5");
    }

    @Test
    void eachJobIsReadOnceThenOnlyWhenItHasEventsAndABurstIsOneRead() throws Exception {
        FakeTransport transport = new FakeTransport();
        Feed stream = new Feed();
        transport.answers.add(stream);
        try (EventJobUpdates updates = updates(transport, List.of("a", "b"))) {
            assertThat(ids(updates.next())).containsExactly("a", "b");
            assertThat(transport.opened).as("opened from now on, before the first reads").containsExactly("null");

            StringBuilder burst = new StringBuilder("retry: 2000\n\n");
            for (int i = 1; i <= 20; i++) {
                burst.append(event("e-" + i, "progress", "a")).append(": keep-alive\n\n").append(event("x-" + i, "state", "other"));
            }
            stream.send(burst.toString());
            stream.awaitConsumed();

            assertThat(ids(updates.next())).as("20 events of a: one read; another job's events: none").containsExactly("a");
            stream.send(event("e-21", "state", "b"));
            stream.awaitConsumed();
            assertThat(ids(updates.next())).containsExactly("b");

            stream.send(event("e-22", "progress", "a"));
            assertThat(ids(updates.next())).containsExactly("a");
            assertThat(reads).containsExactly("a", "b", "a", "b", "a");
            long gap = readTimes.get(4) - readTimes.get(2);
            assertThat(Duration.ofNanos(gap)).as("a job is read at most once per window").isGreaterThanOrEqualTo(WINDOW);
            assertThat(transport.opened).hasSize(1);
        }
    }

    @Test
    void aResetOrTheStreamsEndReadsEveryUnfinishedJobAgainAndTheStreamIsReopenedAfterTheLastId() throws Exception {
        states.put("done", "Completed");
        FakeTransport transport = new FakeTransport();
        Feed first = new Feed();
        transport.answers.add(first);
        try (EventJobUpdates updates = updates(transport, List.of("a", "done", "c"))) {
            assertThat(ids(updates.next())).containsExactly("a", "done", "c");

            first.send("id: r-1\nevent: reset\ndata: {\"id\":\"r-1\",\"type\":\"reset\",\"reason\":\"restarted\"}\n\n");
            assertThat(ids(updates.next())).as("every unfinished job").containsExactly("a", "c");

            first.send(event("r-2", "state", "done")); // a finished job's events are not read
            Feed second = new Feed();
            transport.answers.add(second);
            first.end();
            assertThat(ids(updates.next())).as("the stream ended: what it may have missed").containsExactly("a", "c");
            second.send(event("r-3", "progress", "c"));
            assertThat(ids(updates.next())).containsExactly("c");
            assertThat(transport.opened).containsExactly("null", "r-2");
            assertThat(reads).doesNotContainSequence("done", "done");
        }
    }

    @Test
    void aStreamThatCannotBeOpenedIsRetriedAndTheJobsAreReadAgainMeanwhile() throws Exception {
        FakeTransport transport = new FakeTransport();
        transport.answers.add(new CliException(ExitCodes.SERVER, "cannot reach the control plane"));
        transport.answers.add(CliException.refused(503, null, null, "HTTP 503"));
        Feed stream = new Feed();
        transport.answers.add(stream);
        try (EventJobUpdates updates = updates(transport, List.of("a"))) {
            assertThat(ids(updates.next())).containsExactly("a");
            assertThat(ids(updates.next())).as("read again after the failure").containsExactly("a");
            stream.send(event("e-1", "progress", "a"));
            stream.awaitConsumed();
            states.put("a", "Completed");
            assertThat(ids(updates.next())).containsExactly("a");
            assertThat(updates.polling()).isFalse();
            assertThat(transport.opened).startsWith("null", "null");
        }
    }

    @Test
    void aServerWithoutEventRoutesIsPolled() throws Exception {
        for (int status : new int[] {404, 405}) {
            reads.clear();
            FakeTransport transport = new FakeTransport();
            transport.answers.add(CliException.refused(status, null, null, "HTTP " + status));
            states.put("done", "Completed");
            try (EventJobUpdates updates = updates(transport, List.of("done", "busy"))) {
                assertThat(ids(updates.next())).containsExactly("done", "busy");
                assertThat(ids(updates.next())).containsExactly("busy");
                assertThat(updates.polling()).isTrue();
                assertThat(reads).containsExactly("done", "busy", "busy");
                assertThat(transport.opened).hasSize(1);
            }
        }
        assertThat(notes).anyMatch(n -> n.contains("polling instead"));
    }

    @Test
    void aSilentStreamIsTakenForDeadAndReopened() throws Exception {
        FakeTransport transport = new FakeTransport();
        Feed silent = new Feed();
        transport.answers.add(silent);
        Feed second = new Feed();
        transport.answers.add(second);
        EventJobUpdates.Timing quickToGiveUp = new EventJobUpdates.Timing(WINDOW, Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofMillis(500));
        try (EventJobUpdates updates = new EventJobUpdates(this::read, transport, () -> null, List.of("a"), json, quickToGiveUp,
                notes::add)) {
            assertThat(ids(updates.next())).containsExactly("a");
            silent.send("id: s-1\nevent: progress\ndata: {\"jobId\":\"other\"}\n\n");
            assertThat(ids(updates.next())).as("read again once the silent stream was given up").containsExactly("a");
            second.send(event("s-2", "progress", "a"));
            assertThat(ids(updates.next())).as("from the reopened stream").containsExactly("a");
            assertThat(transport.opened).containsExactly("null", "s-1");
            assertThat(notes).anyMatch(n -> n.contains("nothing from the job events"));
        }
    }
}
