package io.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.domain.JobSpecs;
import io.controlplane.simulator.AgentConfig;
import io.controlplane.simulator.AgentLog;
import io.controlplane.simulator.SimulatedAgent;
import io.controlplane.standalone.HostProcess;
import io.controlplane.testing.Azurite;
import io.controlplane.testing.Eventually;
import io.controlplane.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * cpctl as a process ({@code java -cp ... Cpctl}) against the standalone host as a process on
 * Azurite, signed in with {@code login --dev} against the host's development issuer key; jobs are
 * run by a simulated agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CpctlProcessTest {

    @TempDir
    static Path work;

    private final ObjectMapper json = new ObjectMapper();
    private HostProcess host;
    private Path keyFile;
    private Path config;
    private String url;

    /** What one cpctl run did. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    @BeforeAll
    void start() throws IOException {
        keyFile = work.resolve("dev-issuer-key.json");
        config = work.resolve("config");
        host = HostProcess.start(work, Azurite.shared(), "cli" + System.nanoTime() % 100000, keyFile, Map.of());
        url = "http://127.0.0.1:" + host.port();
        Run login = cpctl("--url", url, "login", "--dev", "--tenant", "contoso");
        assertThat(login.exit()).as(login.toString()).isZero();
        Run ops = cpctl("--profile", "ops", "--url", url, "login", "--dev", "--tenant", "operators", "--roles", "ControlPlane.Admin");
        assertThat(ops.exit()).as(ops.toString()).isZero();
    }

    @AfterAll
    void stop() {
        if (host != null) {
            host.close();
        }
    }

    /** A cpctl process still running: its output so far, and its end. */
    record Running(Process process, Path out, Path err, String command) {
        String outSoFar() {
            try {
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        Run await() {
            try {
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    Processes.stop(process, true, 5);
                    throw new AssertionError("cpctl " + command + " did not exit within 120 s: " + outSoFar());
                }
                return new Run(process.exitValue(), outSoFar(), Files.readString(err, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Starts cpctl with the test's configuration folder and the host's issuer key; stdin empty, stdout not a terminal. */
    private Running start(String... args) {
        try {
            Path out = Files.createTempFile(work, "out", ".txt");
            Path err = Files.createTempFile(work, "err", ".txt");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Cpctl.class.getName()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().put("CPCTL_CONFIG_DIR", config.toString());
            builder.environment().put("DEV_ISSUER_KEY_FILE", keyFile.toString());
            List.of("CPCTL_PROFILE", "CPCTL_URL", "CPCTL_TOKEN", "AUTH_ISSUER", "AUTH_AUDIENCE").forEach(builder.environment()::remove);
            return new Running(builder.start(), out, err, String.join(" ", args));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Run cpctl(String... args) {
        return start(args).await();
    }

    private Run ok(String... args) {
        Run run = cpctl(args);
        assertThat(run.exit()).as("cpctl " + String.join(" ", args) + "\n" + run).isZero();
        return run;
    }

    private Path spec(String name, ObjectNode spec) throws IOException {
        Path file = work.resolve(name + ".json");
        Files.writeString(file, json.writeValueAsString(spec));
        return file;
    }

    /** The example spec, run by the simulated agent for {@code durationMs}, migrating {@code workItems} work items. */
    private ObjectNode simulated(long durationMs, int workItems) {
        ObjectNode spec = JobSpecs.validSpecJson();
        ObjectNode simulation = ((ObjectNode) spec.get("config")).putObject("simulation");
        simulation.put("durationMs", durationMs).put("workItems", workItems);
        return spec;
    }

    private SimulatedAgent agent(String id) {
        String token = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE)
                .token("provider", id, List.of("Agents.Run"), Duration.ofMinutes(30));
        AgentConfig agentConfig = AgentConfig.builder(id).region("westeurope").capabilities(List.of("azure-devops")).slots(4)
                .progressInterval(Duration.ofMillis(250)).heartbeatInterval(Duration.ofSeconds(1))
                .checkpointInterval(Duration.ofSeconds(1)).leaseWaitSeconds(5).build();
        SimulatedAgent agent = new SimulatedAgent(agentConfig, host.uri(""), () -> token);
        agent.start();
        return agent;
    }

    @Test
    void loginCachesTheTokenPerProfileReadableByItsOwnerOnly() throws IOException {
        Path token = config.resolve("tokens").resolve("default.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve("profiles.json")))).isEqualTo("rw-------");
        JsonNode profiles = json.readTree(ok("profiles", "list", "-o", "json").out());
        assertThat(profiles.findValuesAsText("name")).contains("default", "ops");
        assertThat(profiles.findValuesAsText("url")).containsOnly(url);
        assertThat(ok("profiles", "list").out()).containsPattern("(?m)^\\*\\s+default\\s+" + java.util.regex.Pattern.quote(url) + "\\s+true");
    }

    @Test
    void submitThenWatchUntilTheSimulatedAgentCompletesIt() throws Exception {
        Path spec = spec("watched", simulated(5000, 20));
        String id = ok("jobs", "submit", spec.toString(), "-q").out().trim();
        assertThat(id).matches("[A-Za-z0-9._-]{1,64}");
        long watchStarted = System.nanoTime();
        Running watching = start("jobs", "watch", id, "--interval", "0.25", "--verbose");
        // The agent starts once the watch has seen the job queued, so the watch sees all of its run.
        Eventually.await(Duration.ofSeconds(60), Duration.ofMillis(100), "the watch shows the queued job",
                () -> watching.outSoFar().contains(id + " is Queued") || !watching.process().isAlive());
        try (SimulatedAgent agent = agent("cli-agent-watch")) {
            Run watch = watching.await();
            Duration watched = Duration.ofNanos(System.nanoTime() - watchStarted);

            assertThat(watch.exit()).as(watch.toString()).isZero();
            // From the job events: one stream opened, and the job read when it had events, at most
            // once a second (polling every 0.25 s would have read it about 4 times a second).
            assertThat(watch.err()).as(watch.toString()).containsPattern("(?m)^> GET /api/events -> 200 ")
                    .doesNotContain("polling instead");
            long reads = watch.err().lines().filter(l -> l.startsWith("> GET /api/jobs/" + id + " -> 200")).count();
            assertThat(reads).as(watch.toString()).isPositive().isLessThanOrEqualTo(watched.toSeconds() + 2);
            List<String> lines = watch.out().lines().toList();
            assertThat(lines).anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d " + id + " .*-> Completed"));
            assertThat(lines).noneMatch(l -> l.contains("\033["));
            Pattern running = Pattern.compile("\\d\\d:\\d\\d:\\d\\d " + Pattern.quote(id) + " .* Running (\\d+\\.\\d)% itemsDone=(\\d+) itemsTotal=100(.*)");
            List<Double> percents = new ArrayList<>();
            boolean eta = false;
            for (String line : lines) {
                Matcher m = running.matcher(line);
                if (m.matches()) {
                    percents.add(Double.parseDouble(m.group(1)));
                    assertThat(Long.parseLong(m.group(2))).isEqualTo(Math.round(Double.parseDouble(m.group(1))));
                    eta |= m.group(3).matches(" eta=\\d+(s|m\\d\\ds)");
                }
            }
            // Not asserted in order: the control plane coalesces chatty progress reports, and a read may
            // show an earlier report than the one before it.
            assertThat(percents.stream().distinct().count()).as(watch.out()).isGreaterThanOrEqualTo(3);
            assertThat(percents).anyMatch(p -> p > 0 && p < 100);
            assertThat(percents.stream().mapToDouble(Double::doubleValue).max().orElse(0)).isGreaterThan(percents.get(0));
            assertThat(eta).as("an ETA from the progress rate: " + watch.out()).isTrue();
            assertThat(lines.get(lines.size() - 1)).contains(id).contains("Completed");

            JsonNode history = json.readTree(ok("jobs", "history", id, "-o", "json").out());
            assertThat(history.findValuesAsText("to")).contains("Queued", "Running", "Completed");
            assertThat(ok("jobs", "checkpoints", id).out()).contains("simulation");
            Run mapping = ok("jobs", "mappings", id, "--type", "WorkItem", "--source-id", "7");
            assertThat(mapping.out()).containsPattern("WorkItem\\s+7\\s+100007");
            assertThat(json.readTree(ok("jobs", "mappings", id, "-o", "json").out())).hasSize(20);
            assertThat(agent.log().completedJobs()).contains(id);

            // Submitted while the agent waits: queued, or (placed at submission) already assigned to it.
            Run waited = cpctl("jobs", "submit", spec("waited", simulated(2000, 0)).toString(), "--wait", "--interval", "0.25");
            assertThat(waited.exit()).as(waited.toString()).isZero();
            assertThat(waited.out()).containsPattern("(?m)^state:\\s+(Queued|Assigned)$").containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d \\S+ .*-> Completed$");
        }
    }

    @Test
    void watchExitsNonZeroWhenAJobDoesNotComplete() throws IOException {
        Path spec = spec("cancelled", simulated(5000, 0));
        ok("--profile", "watchers", "--url", url, "login", "--dev", "--tenant", "watchers");
        String id = ok("--profile", "watchers", "jobs", "submit", spec.toString(), "-q").out().trim();
        ok("--profile", "watchers", "jobs", "cancel", id, "--reason", "not wanted");

        Run watch = cpctl("--profile", "watchers", "jobs", "watch", id, "--interval", "0.2");

        assertThat(watch.exit()).as(watch.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(watch.out()).contains(id + " is Cancelled");
    }

    @Test
    void listFollowsEveryPageInEachFormat() throws IOException {
        ok("--profile", "pager", "--url", url, "login", "--dev", "--tenant", "pager");
        Path spec = spec("paged", simulated(600_000, 0));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(ok("--profile", "pager", "jobs", "submit", spec.toString(), "-q", "--idempotency-key", "page-" + i).out().trim());
        }

        Run listed = ok("--profile", "pager", "jobs", "list", "--page-size", "2", "-o", "json", "--verbose");

        assertThat(json.readTree(listed.out()).findValuesAsText("id")).containsExactlyElementsOf(ids);
        List<String> requests = listed.err().lines().filter(l -> l.startsWith("> GET /api/jobs?limit=2")).toList();
        assertThat(requests).as(listed.err()).hasSize(3);
        assertThat(requests.get(1)).contains("continuationToken=").contains("-> 200 (x-request-id: ");
        JsonNode yaml = new YAMLMapper().readTree(ok("--profile", "pager", "jobs", "list", "--page-size", "2", "-o", "yaml").out());
        assertThat(yaml.findValuesAsText("id")).containsExactlyElementsOf(ids);
        List<String> table = ok("--profile", "pager", "jobs", "list", "--page-size", "3").out().lines().toList();
        assertThat(table.get(0)).startsWith("ID").contains("STATE").contains("PROGRESS");
        assertThat(table).hasSize(6);
        assertThat(json.readTree(ok("--profile", "pager", "jobs", "list", "--page-size", "2", "--max", "3", "-o", "json").out())).hasSize(3);
        for (String id : ids) {
            ok("--profile", "pager", "jobs", "cancel", id);
        }
    }

    @Test
    void validationProblemsArePrintedFieldByFieldWithTheInvalidExitCodeAndNothingIsStored() throws IOException {
        ok("--profile", "checker", "--url", url, "login", "--dev", "--tenant", "checker");
        ObjectNode bad = JobSpecs.validSpecJson();
        bad.put("tier", "Gold").put("region", "eastus");
        ((ObjectNode) bad.get("source")).remove("url");
        Path badSpec = spec("bad", bad);

        Run validate = cpctl("--profile", "checker", "validate", badSpec.toString(), "--verbose");
        Run submit = cpctl("--profile", "checker", "jobs", "submit", badSpec.toString());

        assertThat(validate.exit()).as(validate.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(validate.err()).contains("error: The request is invalid (HTTP 400)")
                .containsPattern("(?m)^  - tier: .+$").containsPattern("(?m)^  - region: .*eastus.*$")
                .containsPattern("(?m)^  - source\\.url: is required$")
                .contains("type: urn:controlplane:problem:validation").containsPattern("request id: \\S+");
        assertThat(submit.exit()).as(submit.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(fieldLines(submit.err())).isEqualTo(fieldLines(validate.err()));
        assertThat(submit.err()).doesNotContain("request id:");

        Run valid = ok("--profile", "checker", "validate", spec("good", simulated(1000, 0)).toString());
        assertThat(valid.out()).startsWith("valid:");
        assertThat(json.readTree(ok("--profile", "checker", "jobs", "list", "-o", "json").out())).as("nothing stored").isEmpty();
        assertThat(cpctl("--profile", "checker", "validate", work.resolve("missing.json").toString()).exit()).isEqualTo(ExitCodes.USAGE);
    }

    private static List<String> fieldLines(String err) {
        return err.lines().filter(l -> l.startsWith("  - ")).toList();
    }

    @Test
    void failuresHaveDistinctExitCodes() {
        Run missing = cpctl("jobs", "get", "no-such-job");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("no-such-job");

        Run notOperator = cpctl("queues");
        assertThat(notOperator.exit()).as(notOperator.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(notOperator.err()).contains("HTTP 403");

        Run notSignedIn = cpctl("--profile", "nobody", "--url", url, "jobs", "list");
        assertThat(notSignedIn.exit()).as(notSignedIn.toString()).isEqualTo(ExitCodes.AUTH);
        assertThat(notSignedIn.err()).contains("cpctl login --profile nobody");

        assertThat(cpctl("jobs", "list", "--no-such-option").exit()).isEqualTo(ExitCodes.USAGE);
        Run unreachable = cpctl("--url", "http://127.0.0.1:" + Azurite.freePort(), "jobs", "list");
        assertThat(unreachable.exit()).as(unreachable.toString()).isEqualTo(ExitCodes.SERVER);
    }

    @Test
    void pauseResumeCancelAndEraseAJob() throws IOException {
        ok("--profile", "steer", "--url", url, "login", "--dev", "--tenant", "steer");
        String id = ok("--profile", "steer", "jobs", "submit", spec("steered", simulated(600_000, 0)).toString(), "-q").out().trim();

        assertThat(json.readTree(ok("--profile", "steer", "jobs", "pause", id, "--reason", "freeze window", "-o", "json").out()).get("state").asText()).isEqualTo("Paused");
        assertThat(ok("--profile", "steer", "jobs", "get", id).out()).containsPattern("(?m)^state:\\s+Paused$");
        assertThat(json.readTree(ok("--profile", "steer", "jobs", "resume", id, "--reason", "freeze over", "-o", "json").out()).get("state").asText()).isEqualTo("Queued");
        assertThat(ok("--profile", "steer", "jobs", "cancel", id, "--reason", "wrong target project").out())
                .containsPattern("(?m)^state:\\s+Cancelled$");

        Run again = cpctl("--profile", "steer", "jobs", "resume", id);
        assertThat(again.exit()).as(again.toString()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(again.err()).contains("HTTP 409").contains("Cancelled");

        JsonNode history = json.readTree(ok("--profile", "steer", "jobs", "history", id, "-o", "json").out());
        assertThat(history.findValuesAsText("to")).containsExactly("Queued", "Paused", "Queued", "Cancelled");
        assertThat(history.get(1).get("reason").asText()).contains("freeze window");
        assertThat(history.get(2).get("reason").asText()).contains("freeze over");
        assertThat(history.get(3).get("reason").asText()).contains("wrong target project");

        assertThat(cpctl("--profile", "steer", "jobs", "erase", id).exit()).isEqualTo(ExitCodes.USAGE);
        ok("--profile", "steer", "jobs", "erase", id, "--yes");
        assertThat(cpctl("--profile", "steer", "jobs", "get", id).exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void operatorsListAndDrainAgentsReadQueuesAndManageTenants() throws Exception {
        try (SimulatedAgent agent = agent("cli-agent-drain")) {
            assertThat(agent.log().awaitUntil(log -> !log.events(AgentLog.EventType.REGISTERED).isEmpty(), Duration.ofSeconds(30))).isTrue();

            JsonNode agents = json.readTree(ok("--profile", "ops", "agents", "list", "-o", "json").out());
            JsonNode listed = find(agents, "cli-agent-drain");
            assertThat(listed.get("draining").asBoolean()).isFalse();
            assertThat(ok("--profile", "ops", "agents", "list").out()).containsPattern("(?m)^cli-agent-drain\\s+westeurope\\s+");

            Run drain = ok("--profile", "ops", "agents", "drain", "cli-agent-drain");
            assertThat(drain.out()).containsPattern("(?m)^DRAINING:\\s+true$");
            assertThat(find(json.readTree(ok("--profile", "ops", "agents", "list", "-o", "json").out()), "cli-agent-drain")
                    .get("draining").asBoolean()).isTrue();
            assertThat(cpctl("--profile", "ops", "agents", "drain", "no-such-agent").exit()).isEqualTo(ExitCodes.NOT_FOUND);
        }

        JsonNode queues = json.readTree(ok("--profile", "ops", "queues", "-o", "json").out());
        assertThat(queues.findValuesAsText("tier")).containsExactly("Platinum", "Premium", "Standard");

        ok("--profile", "ops", "tenants", "set", "fabrikam", "--tier", "Standard", "--regions", "westeurope", "--max-concurrent-jobs", "3",
                "--weight", "4");
        JsonNode entitlement = json.readTree(ok("--profile", "ops", "tenants", "get", "fabrikam", "-o", "json").out());
        assertThat(entitlement.get("tier").asText()).isEqualTo("Standard");
        assertThat(entitlement.get("maxConcurrentJobs").asInt()).isEqualTo(3);
        assertThat(entitlement.get("weight").asInt()).isEqualTo(4);

        ok("--profile", "fabrikam", "--url", url, "login", "--dev", "--tenant", "fabrikam");
        Run premium = cpctl("--profile", "fabrikam", "validate", spec("premium", simulated(1000, 0)).toString());
        assertThat(premium.exit()).as("the example is Premium, above the entitlement: " + premium).isEqualTo(ExitCodes.AUTH);
        assertThat(premium.err()).contains("Premium").contains("Standard");

        ok("--profile", "fabrikam", "orgs", "limit", "dev.azure.com:contoso", "2");
        ok("--profile", "ops", "organisations", "--operator", "limit", "dev.azure.com:contoso", "5");
        assertThat(ok("--profile", "fabrikam", "orgs", "list").out())
                .as("its own limit beside the operator's").containsPattern("(?m)^dev\\.azure\\.com:contoso\\s+2\\s+5$");
        assertThat(ok("--profile", "ops", "orgs", "--operator", "get", "dev.azure.com:contoso").out())
                .containsPattern("(?m)^MAX-CONCURRENT-JOBS:\\s+5$");
        Run badLimit = cpctl("--profile", "fabrikam", "orgs", "limit", "Not A Key", "0");
        assertThat(badLimit.exit()).as(badLimit.toString()).isEqualTo(ExitCodes.INVALID);
        assertThat(badLimit.err()).contains("key").contains("maxConcurrentJobs");
        ok("--profile", "ops", "orgs", "--operator", "lift", "dev.azure.com:contoso");

        Path export = work.resolve("fabrikam-export.json");
        ok("--profile", "ops", "tenants", "export", "fabrikam", "--file", export.toString());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(export))).isEqualTo("rw-------");
        assertThat(json.readTree(export.toFile()).get("entitlement").get("tier").asText()).isEqualTo("Standard");
        assertThat(json.readTree(export.toFile()).at("/organisationLimits/0/key").asText()).isEqualTo("dev.azure.com:contoso");
        ok("--profile", "ops", "tenants", "erase", "fabrikam", "--yes");
        assertThat(cpctl("--profile", "ops", "tenants", "get", "fabrikam").exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    private static JsonNode find(JsonNode items, String id) {
        for (JsonNode item : items) {
            if (id.equals(item.path("id").asText())) {
                return item;
            }
        }
        throw new AssertionError(id + " not in " + items);
    }

    @Test
    void completionScriptCoversTheCommands() {
        Run completion = ok("completion", "bash");
        assertThat(completion.out()).contains("complete -F").contains("jobs").contains("watch").contains("--idempotency-key");
        assertThat(ok("completion").out()).isEqualTo(completion.out());
        assertThat(cpctl("completion", "fish").exit()).isEqualTo(ExitCodes.USAGE);
    }
}
