package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.controlplane.api.Json;
import io.controlplane.api.auth.DevIssuer;
import io.controlplane.simulator.AgentClient;
import io.controlplane.simulator.AgentConfig;
import io.controlplane.simulator.GitCommit;
import io.controlplane.simulator.IdMapping;
import io.controlplane.simulator.Lease;
import io.controlplane.simulator.ProgressReport;
import io.controlplane.simulator.Registration;
import io.controlplane.simulator.SimulatedAgent;
import io.controlplane.testing.Azurite;
import io.controlplane.testing.ProjectRoot;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web console in headless Chromium (Debian's {@code chromium}, driven by playwright-core from the
 * root package-lock.json; no browser is downloaded): the standalone host as a process on Azurite,
 * one simulated agent with one slot, and one Node script per scenario in console/browser-tests/
 * asserting on what the page shows. Each saves screenshots under target/console-screenshots/.
 * scripts/test.sh installs Chromium when it is missing; without it this test fails saying so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    private static final String AGENT_ID = "sim-1";
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @TempDir
    static Path work;

    private static Path root;
    private static HostProcess host;
    private static SimulatedAgent agent;
    private static DevIssuer issuer;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("Chromium is missing (" + CHROMIUM + "): run scripts/test.sh, which installs it (apt-get install -y chromium), "
                    + "or set CHROMIUM to a Chromium binary");
        }
        root = ProjectRoot.find();
        if (!Files.exists(root.resolve("node_modules/playwright-core/package.json"))) {
            fail("playwright-core is not installed: run scripts/test.sh (or npm ci at the repository root)");
        }
        Path keyFile = work.resolve("dev-issuer-key.json");
        host = HostProcess.start(work, Azurite.shared(), "console" + System.nanoTime() % 1_000_000, keyFile, Map.of(
                "PREEMPT_AFTER_SECONDS", "0", "RECONCILE_SECONDS", "1", "STOP_GRACE_SECONDS", "30"));
        issuer = DevIssuer.loadOrCreate(keyFile, DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
        token = issuer.token("contoso", "console-user", List.of("Jobs.Submit", "Jobs.Read", "Jobs.Manage", "ControlPlane.Admin"),
                Duration.ofHours(1));
        String agentToken = issuer.token("provider", AGENT_ID, List.of("Agents.Run"), Duration.ofHours(1));
        AgentConfig config = AgentConfig.builder(AGENT_ID).region("westeurope").pool("shared").slots(1)
                .jobDuration(Duration.ofSeconds(30)).specDurationWins(true).progressInterval(Duration.ofMillis(500))
                .heartbeatInterval(Duration.ofSeconds(1)).checkpointInterval(Duration.ofSeconds(2)).leaseWaitSeconds(5).build();
        agent = new SimulatedAgent(config, URI.create("http://127.0.0.1:" + host.port()), () -> agentToken);
        agent.start();
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close(Duration.ofSeconds(2));
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    @Order(1)
    void signInWithADevelopmentToken() throws Exception {
        scenario("signin");
    }

    @Test
    @Order(2)
    void aSubmittedJobsProgressBarMovesAsTheAgentWorks() throws Exception {
        JsonNode result = scenario("progress");
        assertThat(result.get("second").asDouble()).isGreaterThan(result.get("first").asDouble());
    }

    @Test
    @Order(3)
    void pauseResumeAndCancelFromTheJobPage() throws Exception {
        JsonNode result = scenario("pause-resume");
        JsonNode history = api("/api/jobs/" + result.get("jobId").asText() + "/history").get("items");
        assertThat(history.findValuesAsText("to")).contains("Pausing", "Paused", "Queued", "Cancelled");
    }

    @Test
    @Order(4)
    void aStandardJobsPreemptionByAPlatinumOneIsInItsTimeline() throws Exception {
        JsonNode result = scenario("preemption");
        JsonNode view = api("/api/jobs/" + result.get("standard").asText());
        assertThat(view.get("preemptions").asInt()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void aJobsGitAndCursorCheckpointsAndMappingsOnItsPage() throws Exception {
        // An agent of its own ("git" capability, which sim-1 lacks) holds the job and writes what the page shows.
        URI base = URI.create("http://127.0.0.1:" + host.port());
        String gitAgentToken = issuer.token("provider", "git-1", List.of("Agents.Run"), Duration.ofHours(1));
        AgentClient git = new AgentClient(base, () -> gitAgentToken);
        git.register("git-1", new Registration("westeurope", "shared", List.of("git"), 1));
        ApiCalls calls = new ApiCalls(base);
        String spec = """
                {"name": "contoso/alpha.git to fabrikam/alpha.git", "tier": "Premium", "region": "westeurope", "kind": "Migrate",
                 "requiredCapabilities": ["git"],
                 "source": {"type": "Simulated", "url": "sim://git.example.com/contoso/alpha"},
                 "target": {"type": "Simulated", "url": "sim://git.example.com/fabrikam/alpha"}}""";
        String jobId = calls.id(calls.send("POST", "/api/jobs", token, spec));
        Lease lease = git.lease("git-1", 10).orElseThrow();
        assertThat(lease.jobId()).isEqualTo(jobId);
        git.progress(lease.leaseId(), lease.epoch(), new ProgressReport(55, Map.of("commits", 1234L), "pushing refs"));
        git.gitCheckpoint(lease.leaseId(), lease.epoch(), "repository",
                new GitCommit("https://git.example.com/contoso/alpha.git", "refs/heads/main", "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"));
        git.cursorCheckpoint(lease.leaseId(), lease.epoch(), "work-items", Json.mapper().readTree("{\"lastId\":3,\"percent\":55}"));
        git.mappings(lease.leaseId(), lease.epoch(), List.of(new IdMapping("workitem", "1", "70001"),
                new IdMapping("workitem", "2", "70002"), new IdMapping("workitem", "3", "70003")));
        try {
            scenario("checkpoints", Map.of("JOB_ID", jobId));
        } finally {
            git.complete(lease.leaseId(), lease.epoch());
        }
    }

    @Test
    @Order(6) // last: a drained agent takes no more jobs
    void theAgentIsShownAndDrainedFromTheAgentsPage() throws Exception {
        scenario("agents");
        JsonNode agents = api("/api/admin/agents").get("items");
        JsonNode sim = null;
        for (JsonNode a : agents) {
            if (AGENT_ID.equals(a.get("id").asText())) {
                sim = a;
            }
        }
        assertThat(sim).as("the agent in the API's list").isNotNull();
        assertThat(sim.get("draining").asBoolean()).as("drained through the console").isTrue();
    }

    /** Runs console/browser-tests/{name}.mjs; its `RESULT {...}` line when it passed. */
    private static JsonNode scenario(String name) throws Exception {
        return scenario(name, Map.of());
    }

    private static JsonNode scenario(String name, Map<String, String> extra) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "console-browser"));
        Path log = logs.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder("node", root.resolve("console/browser-tests/" + name + ".mjs").toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("CONSOLE_URL", "http://127.0.0.1:" + host.port());
        env.put("CONSOLE_TOKEN", token);
        env.put("AGENT_ID", AGENT_ID);
        env.put("CHROMIUM", CHROMIUM.toString());
        env.put("SCREENSHOTS", Path.of("target", "console-screenshots").toAbsolutePath().toString());
        env.putAll(extra);
        Process process = builder.start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("scenario " + name + " did not finish within 240 s:\n" + read(log));
        }
        String output = read(log);
        assertThat(process.exitValue()).as("scenario %s:\n%s\nhost log tail:\n%s", name, output, tail(host.log())).isZero();
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("scenario " + name + " printed no RESULT:\n" + output));
        JsonNode result = Json.mapper().readTree(line.substring("RESULT ".length()));
        assertThat(Files.exists(Path.of("target", "console-screenshots", screenshotOf(name) + ".png")))
                .as("the scenario saved its screenshot").isTrue();
        return result;
    }

    private static String screenshotOf(String scenario) {
        return switch (scenario) {
            case "pause-resume" -> "job";
            case "progress" -> "jobs";
            default -> scenario;
        };
    }

    private static JsonNode api(String path) throws Exception {
        ApiCalls calls = new ApiCalls(URI.create("http://127.0.0.1:" + host.port()));
        var answer = calls.send("GET", path, token, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.mapper().readTree(answer.body());
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }
}
