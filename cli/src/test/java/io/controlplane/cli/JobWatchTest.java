package io.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watch's ETA, lines and exit code, fed from a scripted sequence of job views. */
class JobWatchTest {

    private final ObjectMapper json = new ObjectMapper();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);

    private JsonNode view(String id, String state, double percent, String updatedAt) {
        return json.createObjectNode().put("id", id).put("name", "n").put("state", state)
                .set("progress", json.createObjectNode().put("percent", percent).put("updatedAt", updatedAt)
                        .set("counters", json.createObjectNode().put("itemsDone", (long) percent)));
    }

    /** Hands out one batch of views per call. */
    private static JobUpdates scripted(List<List<JsonNode>> batches) {
        Deque<List<JsonNode>> left = new ArrayDeque<>(batches);
        return new JobUpdates() {
            @Override
            public List<JsonNode> next() {
                return left.isEmpty() ? List.of() : left.removeFirst();
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void etaFollowsTheRateOfProgress() {
        EtaEstimator eta = new EtaEstimator();
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        eta.add(t, 10);
        assertThat(eta.remaining()).isEmpty();
        eta.add(t.plusSeconds(10), 20);
        assertThat(eta.remaining()).contains(Duration.ofSeconds(80));
        eta.add(t.plusSeconds(10), 25);
        assertThat(eta.remaining()).as("a sample at the same time is not a rate").contains(Duration.ofSeconds(80));
        eta.add(t.plusSeconds(20), 5);
        assertThat(eta.remaining()).as("a job resumed from an earlier checkpoint starts afresh").isEmpty();
        eta.add(t.plusSeconds(30), 50);
        assertThat(eta.remaining()).contains(Duration.ofMillis(11_111));
        assertThat(EtaEstimator.format(Duration.ofSeconds(42))).isEqualTo("42s");
        assertThat(EtaEstimator.format(Duration.ofSeconds(185))).isEqualTo("3m05s");
        assertThat(EtaEstimator.format(Duration.ofMinutes(62))).isEqualTo("1h02m");
    }

    @Test
    void theOldestSamplesLeaveTheWindow() {
        EtaEstimator eta = new EtaEstimator();
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        eta.add(t, 0);
        eta.add(t.plusSeconds(300), 1);   // slow at first
        eta.add(t.plusSeconds(310), 11);  // then 1 % a second
        eta.add(t.plusSeconds(320), 21);
        assertThat(eta.remaining()).contains(Duration.ofSeconds(79));
    }

    @Test
    void plainLinesShowStateChangesProgressAndEtaAndTheExitCodeIsZeroWhenAllComplete() throws Exception {
        StringWriter out = new StringWriter();
        JobUpdates updates = scripted(List.of(
                List.of(view("a", "Queued", 0, null), view("b", "Running", 40, "2026-01-01T09:59:50Z")),
                List.of(view("a", "Running", 10, "2026-01-01T10:00:00Z"), view("b", "Running", 60, "2026-01-01T10:00:00Z")),
                List.of(view("a", "Running", 10, "2026-01-01T10:00:00Z"), view("b", "Completed", 100, "2026-01-01T10:00:05Z")),
                List.of(view("a", "Completed", 95, "2026-01-01T10:00:10Z"))));

        int exit = new JobWatch(updates, JobWatch.plain(new PrintWriter(out), clock), clock, List.of("a", "b")).run();

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(out.toString().lines()).containsExactly(
                "10:00:00 a is Queued",
                "10:00:00 b is Running",
                "10:00:00 a n Queued 0.0% itemsDone=0",
                "10:00:00 b n Running 40.0% itemsDone=40",
                "10:00:00 a Queued -> Running",
                "10:00:00 a n Running 10.0% itemsDone=10",
                "10:00:00 b n Running 60.0% itemsDone=60 eta=20s",
                "10:00:00 b Running -> Completed",
                "10:00:00 b n Completed 100.0% itemsDone=100",
                "10:00:00 a Running -> Completed",
                "10:00:00 a n Completed 100.0% itemsDone=95");
    }

    @Test
    void aFailedOrCancelledJobMakesTheExitCodeNonZero() throws Exception {
        StringWriter out = new StringWriter();
        JobUpdates updates = scripted(List.of(List.of(view("a", "Completed", 100, null), view("b", "Failed", 30, null))));

        int exit = new JobWatch(updates, JobWatch.plain(new PrintWriter(out), clock), clock, List.of("a", "b")).run();

        assertThat(exit).isEqualTo(ExitCodes.FAILED);
    }

    @Test
    void onATerminalTheBlockIsRedrawnInPlaceWithABar() throws Exception {
        StringWriter out = new StringWriter();
        JobUpdates updates = scripted(List.of(
                List.of(view("a", "Running", 50, "2026-01-01T10:00:00Z")),
                List.of(view("a", "Completed", 100, "2026-01-01T10:00:01Z"))));

        new JobWatch(updates, JobWatch.terminal(new PrintWriter(out), clock), clock, List.of("a")).run();

        String screen = out.toString();
        assertThat(screen).contains("a n Running [############------------] 50.0% itemsDone=50");
        assertThat(screen).contains("\033[1A").contains("a Running -> Completed").contains("[########################] 100.0%");
    }

    @Test
    void pollingReadsOnlyUnfinishedJobs() throws Exception {
        List<String> reads = new java.util.ArrayList<>();
        PollingJobUpdates polling = new PollingJobUpdates(id -> {
            reads.add(id);
            return view(id, id.equals("done") ? "Completed" : "Running", 1, null);
        }, List.of("done", "busy"), Duration.ofMillis(1));

        polling.next();
        polling.next();

        assertThat(reads).containsExactly("done", "busy", "busy");
    }

    private JsonNode withEta(JsonNode view, String at, String low, String high, String basis) {
        com.fasterxml.jackson.databind.node.ObjectNode eta = ((com.fasterxml.jackson.databind.node.ObjectNode) view.get("progress"))
                .putObject("eta").put("basis", basis).put("low", low);
        if (at != null) {
            eta.put("at", at);
        }
        if (high != null) {
            eta.put("high", high);
        }
        return view;
    }

    @Test
    void theServersEtaIsShownWithItsRangeAndTheClientsOnlyWhenTheServerGivesNone() throws Exception {
        StringWriter out = new StringWriter();
        JobUpdates updates = scripted(List.of(
                List.of(view("a", "Running", 40, "2026-01-01T09:59:50Z"), withEta(view("q", "Queued", 0, null),
                        "2026-01-01T10:02:00Z", "2026-01-01T10:01:00Z", "2026-01-01T10:04:00Z", "queue-position")),
                // The server's estimate wins over the rate the client saw (which would say 20s).
                List.of(withEta(view("a", "Running", 60, "2026-01-01T10:00:00Z"),
                        "2026-01-01T10:03:05Z", "2026-01-01T10:02:40Z", "2026-01-01T10:03:30Z", "progress-rate")),
                List.of(withEta(view("a", "Running", 60, "2026-01-01T10:00:00Z"), null, "2026-01-02T12:00:00Z", null, "stalled")),
                // No estimate from the server: the client's (from 40 % at 09:59:50 to 70 % at 10:00:10).
                List.of(view("a", "Running", 70, "2026-01-01T10:00:10Z")),
                List.of(view("a", "Completed", 100, null), view("q", "Cancelled", 0, null))));

        new JobWatch(updates, JobWatch.plain(new PrintWriter(out), clock), clock, List.of("a", "q")).run();

        assertThat(out.toString().lines()).contains(
                "10:00:00 q n Queued 0.0% itemsDone=0 starts=2m00s at 10:02:00 (10:01:00..10:04:00)",
                "10:00:00 a n Running 60.0% itemsDone=60 eta=3m05s at 10:03:05 (10:02:40..10:03:30)",
                "10:00:00 a n Running 60.0% itemsDone=60 eta=stalled (not before 01-02 12:00)",
                "10:00:00 a n Running 70.0% itemsDone=70 eta=20s");
    }
}
