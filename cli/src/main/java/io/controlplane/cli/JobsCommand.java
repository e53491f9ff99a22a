package io.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The client routes of jobs (roles Jobs.Submit, Jobs.Read, Jobs.Manage). */
@Command(name = "jobs", description = "Submit, list, read, follow, pause, resume, cancel and erase jobs.",
        subcommands = picocli.CommandLine.HelpCommand.class)
final class JobsCommand extends Base {

    static final List<Output.Column> JOB_ROW = List.of(
            Output.Column.of("ID", "id"), Output.Column.of("NAME", "name"), Output.Column.of("STATE", "state"),
            Output.Column.of("TIER", "tier"), Output.Column.of("REGION", "region"),
            new Output.Column("PROGRESS", j -> String.format(Locale.ROOT, "%.1f%%", j.path("progress").path("percent").asDouble())),
            Output.Column.of("AGENT", "agentId"), Output.Column.of("UPDATED", "updatedAt"));

    static final List<Output.Column> JOB_FIELDS = List.of(
            Output.Column.of("id", "id"), Output.Column.of("name", "name"), Output.Column.of("tenant", "tenantId"),
            Output.Column.of("state", "state"), Output.Column.of("tier", "tier"), Output.Column.of("region", "region"),
            Output.Column.of("kind", "kind"), Output.Column.of("agent", "agentId"), Output.Column.of("attempt", "attempt"),
            Output.Column.of("preemptions", "preemptions"),
            new Output.Column("progress", j -> String.format(Locale.ROOT, "%.1f%% %s%s", j.path("progress").path("percent").asDouble(),
                    Output.text(j.path("progress").path("counters")), j.path("progress").hasNonNull("message")
                            ? " " + j.path("progress").get("message").asText() : "")),
            // A queued job says why it is not running now (the dispatcher's reason).
            new Output.Column("waiting", j -> j.hasNonNull("waitingFor")
                    ? j.path("waitingFor").path("reason").asText() + ": " + j.path("waitingFor").path("message").asText() : ""),
            Output.Column.of("created", "createdAt"), Output.Column.of("updated", "updatedAt"));

    @Command(name = "submit", description = "Submit a job spec (JSON file, - for stdin): prints the new job.")
    int submit(@Parameters(paramLabel = "SPEC") String spec,
               @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Makes retrying this submission safe (a UUID is a good choice).") String key,
               @Option(names = "--wait", description = "Then watch the job until it finishes (exit code as jobs watch).") boolean wait,
               @Option(names = {"-q", "--quiet"}, description = "Print only the job's id.") boolean quiet,
               @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "With --wait: seconds between reads when the watch polls (a server without job events; default: ${DEFAULT-VALUE}).") double interval,
               @Option(names = "--plain", description = "With --wait: plain lines even on a terminal.") boolean plain) throws InterruptedException {
        byte[] body = readSpec(spec);
        Map<String, String> headers = key == null ? Map.of() : Map.of("Idempotency-Key", key);
        ApiClient.Answer answer = cli().client().post("/api/jobs", body, headers);
        JsonNode job = answer.body();
        if (job == null || !job.hasNonNull("id")) {
            throw new CliException(ExitCodes.SERVER, "the control plane answered " + answer.status() + " without a job");
        }
        if (answer.status() == 201 && !quiet && key != null) {
            cli().err.println("(with Idempotency-Key " + key + ": a retry answers this same job)");
        }
        if (quiet) {
            cli().output().line(job.path("id").asText());
        } else {
            cli().output().object(cli().format, job, JOB_FIELDS);
        }
        if (wait) {
            return watch(List.of(job.path("id").asText()), interval, plain);
        }
        return ExitCodes.OK;
    }

    static byte[] readSpec(String spec) {
        try {
            return spec.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(spec));
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the spec " + spec + ": " + e.getMessage(), e);
        }
    }

    @Command(name = "list", description = "The tenant's jobs, oldest first, every page (continuationToken followed).")
    int list(@Option(names = "--state", paramLabel = "STATE", description = "Only jobs in this state (Queued, Running, Completed, ...).") String state,
             @Option(names = "--tier", paramLabel = "TIER", description = "Only jobs of this tier.") String tier,
             @Option(names = "--region", paramLabel = "REGION", description = "Only jobs of this region.") String region,
             @Option(names = "--page-size", paramLabel = "N", description = "Jobs per request (1 to 500; the server's default otherwise).") Integer pageSize,
             @Option(names = "--max", paramLabel = "N", description = "Stop after N jobs.") Integer max) {
        ApiClient client = cli().client();
        Map<String, Object> params = ApiClient.params("state", state, "tier", tier, "region", region, "limit", pageSize);
        ArrayNode items = followPages(client, "/api/jobs", params, max);
        cli().output().list(cli().format, items, JOB_ROW);
        return ExitCodes.OK;
    }

    /** Every item of every page of a listing (or the first {@code max}), following continuationToken. */
    static ArrayNode followPages(ApiClient client, String path, Map<String, Object> params, Integer max) {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        String token = null;
        do {
            Map<String, Object> page = new LinkedHashMap<>(params);
            page.put("continuationToken", token);
            JsonNode answer = client.get(ApiClient.query(path, page)).body();
            for (JsonNode item : answer.path("items")) {
                if (max != null && items.size() >= max) {
                    return items;
                }
                items.add(item);
            }
            token = answer.path("continuationToken").isTextual() ? answer.get("continuationToken").asText() : null;
        } while (token != null && (max == null || items.size() < max));
        return items;
    }

    @Command(name = "get", description = "One job: state, tier, region, progress; a queued job, why it waits.")
    int get(@Parameters(paramLabel = "ID") String id) {
        cli().output().object(cli().format, cli().client().get(jobPath(id)).body(), JOB_FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "history", description = "The job's audit trail: every state change, who and why.")
    int history(@Parameters(paramLabel = "ID") String id) {
        JsonNode items = cli().client().get(jobPath(id) + "/history").body().path("items");
        cli().output().list(cli().format, items, List.of(Output.Column.of("SEQ", "sequence"), Output.Column.of("AT", "at"),
                Output.Column.of("FROM", "from"), Output.Column.of("TO", "to"), Output.Column.of("ACTOR", "actor"),
                Output.Column.of("REASON", "reason")));
        return ExitCodes.OK;
    }

    @Command(name = "checkpoints", description = "The job's checkpoints (cursor and git commit), by name.")
    int checkpoints(@Parameters(paramLabel = "ID") String id) {
        JsonNode items = cli().client().get(jobPath(id) + "/checkpoints").body().path("items");
        cli().output().list(cli().format, items, List.of(Output.Column.of("NAME", "name"), Output.Column.of("KIND", "kind"),
                Output.Column.of("EPOCH", "epoch"), Output.Column.of("UPDATED", "updatedAt"), Output.Column.of("DATA", "data")));
        return ExitCodes.OK;
    }

    /** --source-id or --target-id: one lookup. */
    static final class Lookup {
        @Option(names = "--source-id", paramLabel = "ID", description = "The mapping from this source id.")
        String sourceId;
        @Option(names = "--target-id", paramLabel = "ID", description = "The mapping to this target id.")
        String targetId;
    }

    @Command(name = "mappings", description = "The job's ID mappings: a lookup by --source-id or --target-id (with --type), or every mapping (pages followed).")
    int mappings(@Parameters(paramLabel = "ID") String id,
                 @Option(names = "--type", paramLabel = "TYPE", description = "The kind of item, e.g. workItem (required with a lookup).") String type,
                 @ArgGroup(exclusive = true) Lookup lookup,
                 @Option(names = "--max", paramLabel = "N", description = "Stop after N mappings.") Integer max) {
        Map<String, Object> params = ApiClient.params("type", type, "sourceId", lookup == null ? null : lookup.sourceId,
                "targetId", lookup == null ? null : lookup.targetId);
        ArrayNode items = followPages(cli().client(), jobPath(id) + "/mappings", params, max);
        cli().output().list(cli().format, items, List.of(Output.Column.of("TYPE", "type"), Output.Column.of("SOURCE", "sourceId"),
                Output.Column.of("TARGET", "targetId")));
        if (lookup != null && items.isEmpty() && cli().format == Output.Format.table) {
            cli().err.println("no such mapping");
            return ExitCodes.NOT_FOUND;
        }
        return ExitCodes.OK;
    }

    @Command(name = "pause", description = "Pause a job (a running job checkpoints and releases first).")
    int pause(@Parameters(paramLabel = "ID") String id,
              @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the job's history).") String reason) {
        return control(id, "pause", reason);
    }

    @Command(name = "resume", description = "Resume a paused job: it is queued again and continues from its checkpoints.")
    int resume(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the job's history).") String reason) {
        return control(id, "resume", reason);
    }

    @Command(name = "cancel", description = "Cancel a job.")
    int cancel(@Parameters(paramLabel = "ID") String id,
               @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the job's history).") String reason) {
        return control(id, "cancel", reason);
    }

    private int control(String id, String action, String reason) {
        byte[] body = reason == null ? null : cli().client().toJson(Map.of("reason", reason));
        JsonNode job = cli().client().post(jobPath(id) + "/" + action, body, Map.of()).body();
        cli().output().object(cli().format, job, JOB_FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "erase", description = "Erase a finished job with its history, checkpoints and mappings, for good.")
    int erase(@Parameters(paramLabel = "ID") String id,
              @Option(names = "--yes", description = "Confirm: the job cannot be brought back.") boolean yes) {
        return erase(yes, "", jobPath(id), "job " + id);
    }

    @Command(name = "watch", description = {"Follow jobs until each has finished: state changes, a progress bar, counters, ETA.",
            "Follows the tenant's job events (GET /api/events), reading a job again when it has events;",
            "polls every --interval seconds instead when the server has no event routes.",
            "Exits 0 when every job completed, 1 otherwise. Plain lines when stdout is not a terminal."})
    int watch(@Parameters(paramLabel = "ID", arity = "1..*") List<String> ids,
              @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
                      description = "Seconds between reads when the server has no job events and the watch polls (default: ${DEFAULT-VALUE}).")
              double interval,
              @Option(names = "--plain", description = "Plain lines even on a terminal.") boolean plain) throws InterruptedException {
        if (interval < 0.2 || interval > 300) {
            throw new CliException(ExitCodes.USAGE, "--interval must be 0.2 to 300 seconds");
        }
        ApiClient client = cli().client();
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
        Function<String, JsonNode> read = id -> client.get(jobPath(id)).body();
        PrintWriter err = cli().err;
        Consumer<String> note = cli().verbose ? line -> {
            err.println("(watch: " + line + ")");
            err.flush();
        } : line -> { };
        JobUpdates updates = new EventJobUpdates(read, last -> client.openEvents("/api/events", last),
                () -> new PollingJobUpdates(read, distinct, Duration.ofMillis(Math.round(interval * 1000))),
                distinct, cli().json, EventJobUpdates.Timing.DEFAULT, note);
        JobWatch.View view = cli().terminal && !plain && cli().format == Output.Format.table
                ? JobWatch.terminal(cli().out, cli().clock) : JobWatch.plain(cli().out, cli().clock);
        return new JobWatch(updates, view, cli().clock, distinct).run();
    }

    static String jobPath(String id) {
        return "/api/jobs/" + ApiClient.segment(id);
    }
}
