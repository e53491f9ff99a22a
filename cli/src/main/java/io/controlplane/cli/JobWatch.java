package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code jobs watch}: follows jobs until each has finished, showing per job its state, a progress
 * bar with the percent, its counters and an ETA, and each state change as it happens. On a
 * terminal the view is redrawn in place; otherwise a plain line is written for each change.
 */
final class JobWatch {

    static final int BAR_WIDTH = 24;

    /** What is known of one job. */
    static final class Tracked {
        final String id;
        String name = "";
        String state;
        double percent;
        Map<String, Long> counters = Map.of();
        /** What is shown of the ETA (the server's where it gives one, else the client's estimate), null for none. */
        String eta;
        final EtaEstimator estimator = new EtaEstimator();

        Tracked(String id) {
            this.id = id;
        }

        String line(boolean bar) {
            StringBuilder s = new StringBuilder(id);
            if (!name.isEmpty()) {
                s.append(' ').append(name);
            }
            s.append(' ').append(state);
            if (bar) {
                int filled = (int) Math.round(Math.min(100, Math.max(0, percent)) * BAR_WIDTH / 100);
                s.append(" [").append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append(']');
            }
            s.append(' ').append(String.format(Locale.ROOT, "%.1f%%", percent));
            counters.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
            if (eta != null && !finished(state)) {
                s.append(' ').append(eta);
            }
            return s.toString();
        }
    }

    /** Draws the watch: {@code events} are state changes since the last call. */
    interface View {
        void show(List<Tracked> jobs, List<Tracked> changed, List<String> events);
    }

    static boolean finished(String state) {
        return "Completed".equals(state) || "Failed".equals(state) || "Cancelled".equals(state);
    }

    private final JobUpdates updates;
    private final View view;
    private final Clock clock;
    private final Map<String, Tracked> jobs = new LinkedHashMap<>();

    JobWatch(JobUpdates updates, View view, Clock clock, List<String> ids) {
        this.updates = updates;
        this.view = view;
        this.clock = clock;
        ids.forEach(id -> jobs.put(id, new Tracked(id)));
    }

    /** Until every job has finished; {@link ExitCodes#OK} when every one completed. */
    int run() throws InterruptedException {
        try (updates) {
            while (!jobs.values().stream().allMatch(j -> finished(j.state))) {
                List<Tracked> changed = new ArrayList<>();
                List<String> events = new ArrayList<>();
                for (JsonNode job : updates.next()) {
                    Tracked tracked = jobs.get(job.path("id").asText());
                    if (tracked != null && update(tracked, job, events)) {
                        changed.add(tracked);
                    }
                }
                view.show(List.copyOf(jobs.values()), changed, events);
            }
        }
        return jobs.values().stream().allMatch(j -> "Completed".equals(j.state)) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** True when anything shown changed. */
    private boolean update(Tracked job, JsonNode view, List<String> events) {
        String before = job.line(false);
        String state = view.path("state").asText();
        if (job.state == null) {
            events.add(job.id + " is " + state);
        } else if (!job.state.equals(state)) {
            events.add(job.id + " " + job.state + " -> " + state);
        }
        job.state = state;
        job.name = view.path("name").asText("");
        JsonNode progress = view.path("progress");
        // A completed job has done all its work, whatever its agent's last report said.
        job.percent = "Completed".equals(state) ? 100 : progress.path("percent").asDouble(0);
        Map<String, Long> counters = new TreeMap<>();
        progress.path("counters").properties().forEach(e -> counters.put(e.getKey(), e.getValue().asLong()));
        job.counters = counters;
        Instant at = parse(progress.path("updatedAt").asText(null)).orElse(Instant.now(clock));
        if ("Running".equals(state)) {
            job.estimator.add(at, job.percent);
        }
        job.eta = serverEta(progress.path("eta"), Instant.now(clock))
                .orElseGet(() -> job.estimator.remaining().map(d -> "eta=" + EtaEstimator.format(d)).orElse(null));
        return !before.equals(job.line(false));
    }

    /**
     * The server's estimate ({@code progress.eta}: {@code at} within {@code low} to {@code high}, and
     * its {@code basis}) as shown: {@code eta=3m05s at 10:03:05 (10:02:40..10:03:30)} for a finish,
     * {@code starts=...} for a queued job's start ({@code queue-position}), {@code eta=stalled (not
     * before ...)} when progress stalled. Empty when the view has none.
     */
    static Optional<String> serverEta(JsonNode eta, Instant now) {
        if (!eta.isObject()) {
            return Optional.empty();
        }
        Optional<Instant> at = parse(eta.path("at").asText(null));
        Optional<Instant> low = parse(eta.path("low").asText(null));
        Optional<Instant> high = parse(eta.path("high").asText(null));
        String basis = eta.path("basis").asText("");
        if ("stalled".equals(basis) || at.isEmpty()) {
            return low.map(l -> "eta=stalled (not before " + time(l, now) + ")")
                    .or(() -> Optional.of("eta=stalled"));
        }
        StringBuilder s = new StringBuilder("queue-position".equals(basis) ? "starts=" : "eta=");
        s.append(EtaEstimator.format(Duration.between(now, at.get()))).append(" at ").append(time(at.get(), now));
        if (low.isPresent() && high.isPresent()) {
            s.append(" (").append(time(low.get(), now)).append("..").append(time(high.get(), now)).append(')');
        }
        return Optional.of(s.toString());
    }

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_AND_CLOCK = DateTimeFormatter.ofPattern("MM-dd HH:mm").withZone(ZoneOffset.UTC);

    /** A time of day (UTC, as the watch's lines), with the date when it is not within the next 20 hours. */
    private static String time(Instant t, Instant now) {
        Duration away = Duration.between(now, t).abs();
        return away.compareTo(Duration.ofHours(20)) <= 0 ? CLOCK.format(t) : DAY_AND_CLOCK.format(t);
    }

    private static Optional<Instant> parse(String time) {
        try {
            return Optional.ofNullable(time).map(Instant::parse);
        } catch (RuntimeException notATime) {
            return Optional.empty();
        }
    }

    /** One line per change (and per state change), each stamped with the time: for logs and pipes. */
    static View plain(PrintWriter out, Clock clock) {
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
        return (all, changed, events) -> {
            String now = time.format(clock.instant());
            events.forEach(e -> out.println(now + " " + e));
            changed.forEach(j -> out.println(now + " " + j.line(false)));
            out.flush();
        };
    }

    /** Redrawn in place (ANSI cursor movement): state changes scroll above one live line per job. */
    static View terminal(PrintWriter out, Clock clock) {
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
        int[] drawn = {0};
        return (all, changed, events) -> {
            StringBuilder frame = new StringBuilder();
            if (drawn[0] > 0) {
                frame.append("\033[").append(drawn[0]).append('A');
            }
            String now = time.format(clock.instant());
            events.forEach(e -> frame.append("\r\033[2K").append(now).append(' ').append(e).append('\n'));
            all.forEach(j -> frame.append("\r\033[2K").append(j.state == null ? j.id + " ..." : j.line(true)).append('\n'));
            drawn[0] = all.size();
            out.print(frame);
            out.flush();
        };
    }
}
