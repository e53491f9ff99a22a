package io.controlplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.simulator.AgentLog.EventType;
import io.controlplane.simulator.FakeControlPlane.Answer;
import io.controlplane.simulator.FakeControlPlane.Recorded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The simulated agent against the {@link FakeControlPlane} test double: what it calls, in which
 * order, and what it records. Intervals are tens of milliseconds so each test takes well under a
 * second; waits are on observed requests, never fixed sleeps, except to show that nothing happens.
 */
@Timeout(30)
class SimulatedAgentTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LONG_JOB = "{\"simulation\":{\"durationMs\":60000}}";

    private FakeControlPlane server;
    private SimulatedAgent agent;
    /** Agents a test starts beside {@link #agent}, on a clock of its own. */
    private final List<SimulatedAgent> others = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new FakeControlPlane();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.kill();
        }
        others.forEach(SimulatedAgent::kill);
        server.close();
    }

    private AgentConfig.Builder config() {
        return AgentConfig.builder("sim-1").region("westeurope").pool("shared").capabilities(List.of("azure-devops"))
                .slots(1).jobDuration(Duration.ofMillis(300)).progressInterval(Duration.ofMillis(40))
                .heartbeatInterval(Duration.ofMillis(40)).checkpointInterval(Duration.ZERO).leaseWaitSeconds(1)
                .errorBackoff(Duration.ofMillis(20)).seed(7L);
    }

    private SimulatedAgent startAgent(AgentConfig config) {
        agent = new SimulatedAgent(config, server.uri(), () -> "agent-token");
        agent.start();
        return agent;
    }

    /** A job's slot frees just after its last call returns: wait for it (bounded) rather than race it. */
    private void assertNoRunningLeases() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!agent.runningLeases().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(agent.runningLeases()).isEmpty();
    }

    @Test
    void registers_then_runs_a_leased_job_to_completion_and_records_it() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L1", "J1", 3, "{\"simulation\":{\"durationMs\":200}}", false, "[]")));

        startAgent(config().jobDuration(Duration.ofMinutes(5)).build()); // the spec's 200 ms wins

        server.await("POST", "/api/leases/L1/complete", WAIT);
        assertThat(agent.log().awaitUntil(log -> log.completedJobs().contains("J1"), WAIT)).isTrue();
        List<Recorded> requests = server.requests();
        assertThat(requests.get(0).is("PUT", "/api/agents/sim-1")).isTrue();
        assertThat(requests.get(0).json().path("capabilities").get(0).asText()).isEqualTo("azure-devops");
        List<Recorded> progress = server.requests("POST", "/api/leases/L1/progress");
        assertThat(progress).isNotEmpty();
        assertThat(progress).allSatisfy(p -> assertThat(p.json().path("epoch").asLong()).isEqualTo(3));
        assertThat(progress.get(progress.size() - 1).json().path("percent").asInt()).isEqualTo(100);
        assertThat(server.only("POST", "/api/leases/L1/complete").json().path("epoch").asLong()).isEqualTo(3);
        assertThat(agent.log().leases()).singleElement().satisfies(grant -> {
            assertThat(grant.leaseId()).isEqualTo("L1");
            assertThat(grant.epoch()).isEqualTo(3);
            assertThat(grant.resumed()).isFalse();
            assertThat(grant.startPercent()).isZero();
        });
        assertThat(agent.log().events(EventType.REGISTERED)).hasSize(1);
        assertThat(agent.log().refusedWrites()).isEmpty();
        assertNoRunningLeases();
    }

    @ParameterizedTest
    @CsvSource({"preempt, preempted, PREEMPTED", "pause, paused, PAUSED"})
    void obeys_a_preempt_or_pause_command_by_checkpointing_then_releasing(String command, String reason,
                                                                          ReleaseReason expected) throws Exception {
        AtomicBoolean leased = new AtomicBoolean();
        server.on("POST", "/api/agents/sim-1/lease", request -> leased.getAndSet(true)
                ? Answer.noContent(Duration.ofMillis(50))
                : Answer.json(FakeControlPlane.leaseJson("L2", "J2", 5, LONG_JOB, false, "[]")));
        server.on("POST", "/api/agents/sim-1/heartbeat", request -> Answer.json(leased.get()
                ? "{\"commands\":[{\"type\":\"" + command + "\",\"leaseId\":\"L2\",\"deadline\":\"2030-01-01T00:00:00Z\"}]}"
                : "{\"commands\":[]}"));

        startAgent(config().build());

        Recorded release = server.await("POST", "/api/leases/L2/release", WAIT);
        assertThat(release.json()).isEqualTo(Jackson.MAPPER.readTree("{\"reason\":\"" + reason + "\",\"epoch\":5}"));
        Recorded checkpoint = server.only("PUT", "/api/leases/L2/checkpoints/simulation");
        assertThat(checkpoint.nanoTime()).isLessThan(release.nanoTime());
        assertThat(checkpoint.json().path("kind").asText()).isEqualTo("cursor");
        assertThat(checkpoint.json().path("data").path("percent").isInt()).isTrue();
        assertThat(checkpoint.json().path("epoch").asLong()).isEqualTo(5);
        assertThat(agent.log().awaitUntil(log -> !log.releases().isEmpty(), WAIT)).isTrue();
        assertThat(agent.log().releases()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(expected);
            assertThat(r.jobId()).isEqualTo("J2");
            assertThat(r.percent()).isEqualTo(checkpoint.json().path("data").path("percent").asInt());
        });
        assertThat(agent.log().commands()).extracting(Command::leaseId).contains("L2");
        Thread.sleep(150); // later heartbeats repeat the command for a lease the agent no longer holds
        assertThat(server.requests("POST", "/api/leases/L2/release")).hasSize(1);
        assertThat(server.requests("POST", "/api/leases/L2/complete")).isEmpty();
    }

    @Test
    void cancel_stops_the_job_without_another_write() throws Exception {
        AtomicBoolean leased = new AtomicBoolean();
        server.on("POST", "/api/agents/sim-1/lease", request -> leased.getAndSet(true)
                ? Answer.noContent(Duration.ofMillis(50))
                : Answer.json(FakeControlPlane.leaseJson("L3", "J3", 1, LONG_JOB, false, "[]")));
        server.on("POST", "/api/agents/sim-1/heartbeat", request -> Answer.json(leased.get()
                ? "{\"commands\":[{\"type\":\"cancel\",\"leaseId\":\"L3\"}]}" : "{\"commands\":[]}"));

        startAgent(config().build());

        assertThat(agent.log().awaitUntil(log -> !log.events(EventType.CANCELLED).isEmpty(), WAIT)).isTrue();
        int writes = server.requests("(POST|PUT)", "/api/leases/L3/.*").size();
        Thread.sleep(200);
        assertThat(server.requests("(POST|PUT)", "/api/leases/L3/.*")).hasSize(writes);
        assertThat(server.requests("(POST|PUT)", "/api/leases/L3/(complete|release|fail|checkpoints/.*)")).isEmpty();
        assertNoRunningLeases();
    }

    @Test
    void a_resumed_lease_starts_from_the_last_cursor_checkpoint() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(FakeControlPlane.leaseJson("L4", "J4",
                2, "{}", true, """
                [{"name":"simulation","kind":"cursor","data":{"percent":60},"epoch":1,"updatedAt":"2029-12-31T23:00:00Z"}]
                """)));

        startAgent(config().jobDuration(Duration.ofSeconds(2)).build());

        Recorded first = server.await("POST", "/api/leases/L4/progress", WAIT);
        assertThat(first.json().path("percent").asInt()).isBetween(60, 100);
        assertThat(agent.log().leases()).singleElement().satisfies(grant -> {
            assertThat(grant.resumed()).isTrue();
            assertThat(grant.startPercent()).isEqualTo(60);
        });
        server.await("POST", "/api/leases/L4/complete", WAIT);
    }

    @Test
    void checkpoints_are_written_every_interval_as_a_cursor_with_the_percent() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L5", "J5", 1, "{\"simulation\":{\"durationMs\":600}}", false, "[]")));

        startAgent(config().checkpointInterval(Duration.ofMillis(100)).build());

        server.await("POST", "/api/leases/L5/complete", WAIT);
        List<Recorded> checkpoints = server.requests("PUT", "/api/leases/L5/checkpoints/simulation");
        assertThat(checkpoints).hasSizeGreaterThanOrEqualTo(2);
        assertThat(checkpoints).extracting(c -> c.json().path("data").path("percent").asInt()).isSorted();
    }

    @Test
    void a_lost_lease_drops_the_job_at_once_and_records_the_refused_write() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L6", "J6", 4, LONG_JOB, false, "[]")));
        server.on("POST", "/api/leases/L6/progress", request -> Answer.leaseLost());

        startAgent(config().build());

        assertThat(agent.log().awaitUntil(log -> !log.refusedWrites().isEmpty(), WAIT)).isTrue();
        Thread.sleep(200);
        assertThat(server.requests("(POST|PUT)", "/api/leases/L6/.*")).hasSize(1);
        assertThat(agent.log().refusedWrites()).singleElement().satisfies(refused -> {
            assertThat(refused.leaseId()).isEqualTo("L6");
            assertThat(refused.epoch()).isEqualTo(4);
            assertThat(refused.operation()).isEqualTo("progress");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.leaseLost()).isTrue();
        });
        assertThat(agent.log().events(EventType.LEASE_LOST)).hasSize(1);
        assertNoRunningLeases();
        assertThat(agent.log().completedJobs()).isEmpty();
    }

    @Test
    void going_silent_stops_every_call_and_speaking_again_resumes_them() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L7", "J7", 1, LONG_JOB, false, "[]")));
        startAgent(config().build());
        server.await("POST", "/api/leases/L7/progress", WAIT);
        server.await("POST", "/api/agents/sim-1/heartbeat", WAIT);

        agent.goSilent();
        Thread.sleep(300); // a call already on the wire (a long poll of up to 50 ms) may still land
        int before = server.requests().size();
        Thread.sleep(400); // ten heartbeat and progress intervals
        assertThat(server.requests()).hasSize(before);
        assertThat(agent.runningLeases()).containsExactly("L7"); // it keeps the job

        agent.speakAgain();
        server.await(r -> r.is("POST", "/api/leases/L7/progress") && server.requests().indexOf(r) >= before, WAIT);
        server.await(r -> r.is("POST", "/api/agents/sim-1/heartbeat") && server.requests().indexOf(r) >= before, WAIT);
    }

    @Test
    void without_heartbeats_the_job_still_reports_progress() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L8", "J8", 1, LONG_JOB, false, "[]")));
        startAgent(config().build());
        server.await("POST", "/api/leases/L8/progress", WAIT);

        agent.stopHeartbeating();
        Thread.sleep(200); // a heartbeat already on the wire may still land
        int heartbeats = server.requests("POST", "/api/agents/sim-1/heartbeat").size();
        int progress = server.requests("POST", "/api/leases/L8/progress").size();
        Thread.sleep(300);
        assertThat(server.requests("POST", "/api/agents/sim-1/heartbeat")).hasSize(heartbeats);
        assertThat(server.requests("POST", "/api/leases/L8/progress").size()).isGreaterThan(progress);
    }

    @Test
    void kill_stops_at_once_without_releasing() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L9", "J9", 1, LONG_JOB, false, "[]")));
        startAgent(config().build());
        server.await("POST", "/api/leases/L9/progress", WAIT);

        agent.kill();
        Thread.sleep(200);
        int after = server.requests().size();
        Thread.sleep(300);
        assertThat(server.requests()).hasSize(after);
        assertThat(server.requests("POST", "/api/leases/L9/(release|complete|fail)")).isEmpty();
        assertThat(agent.log().events(EventType.KILLED)).hasSize(1);
    }

    @Test
    void close_checkpoints_and_releases_running_jobs_with_reason_shutdown() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L10", "J10", 2, LONG_JOB, false, "[]")));
        startAgent(config().build());
        server.await("POST", "/api/leases/L10/progress", WAIT);

        agent.close(Duration.ofSeconds(5));

        Recorded release = server.only("POST", "/api/leases/L10/release");
        assertThat(release.json().path("reason").asText()).isEqualTo("shutdown");
        assertThat(server.only("PUT", "/api/leases/L10/checkpoints/simulation").nanoTime()).isLessThan(release.nanoTime());
        assertThat(agent.log().events(EventType.STOPPED)).hasSize(1);
        int after = server.requests().size();
        Thread.sleep(200);
        assertThat(server.requests()).hasSize(after);
    }

    @Test
    void a_failing_job_reports_fail_with_the_configured_retryability() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L11", "J11", 1, "{\"simulation\":{\"durationMs\":200}}", false, "[]")));

        startAgent(config().failing(1.0, false).build());

        Recorded fail = server.await("POST", "/api/leases/L11/fail", WAIT);
        assertThat(fail.json().path("retryable").asBoolean(true)).isFalse();
        assertThat(fail.json().path("error").asText()).startsWith("simulated failure");
        assertThat(fail.json().path("epoch").asLong()).isEqualTo(1);
        assertThat(server.requests("POST", "/api/leases/L11/complete")).isEmpty();
        assertThat(agent.log().awaitUntil(log -> log.failedJobs().contains("J11"), WAIT)).isTrue();
    }

    @Test
    void a_transient_error_on_a_write_is_retried_not_fatal() throws Exception {
        AtomicBoolean failedOnce = new AtomicBoolean();
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L12", "J12", 1, "{\"simulation\":{\"durationMs\":100}}", false, "[]")));
        server.on("POST", "/api/leases/L12/complete", request -> failedOnce.getAndSet(true)
                ? Answer.json("{}") : Answer.problem(503, "urn:controlplane:problem:not-ready", "Busy"));

        startAgent(config().build());

        assertThat(agent.log().awaitUntil(log -> log.completedJobs().contains("J12"), WAIT)).isTrue();
        assertThat(server.requests("POST", "/api/leases/L12/complete")).hasSize(2);
        assertThat(agent.log().events(EventType.ERROR)).hasSize(1);
    }

    @Test
    void a_write_refused_again_and_again_is_given_up_after_ten_tries() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(
                FakeControlPlane.leaseJson("L13", "J13", 1, "{\"simulation\":{\"durationMs\":50}}", false, "[]")));
        server.on("POST", "/api/leases/L13/complete",
                request -> Answer.problem(409, "urn:controlplane:problem:invalid-state", "Cancelled"));

        startAgent(config().build());

        assertThat(agent.log().awaitUntil(log -> log.events(EventType.ERROR).stream()
                .anyMatch(e -> e.fields().getOrDefault("message", "").startsWith("giving the job up")), WAIT)).isTrue();
        Thread.sleep(100);
        assertNoRunningLeases();
        assertThat(server.requests("POST", "/api/leases/L13/complete")).hasSize(10);
        assertThat(server.requests("POST", "/api/leases/L13/progress"))
                .filteredOn(r -> r.json().path("percent").asInt() == 100).hasSize(1); // the final report once
        assertThat(agent.log().refusedWrites()).allSatisfy(r -> assertThat(r.leaseLost()).isFalse());
        assertThat(agent.log().completedJobs()).isEmpty();
    }

    @Test
    void each_free_slot_gets_its_own_lease() throws Exception {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        server.on("POST", "/api/agents/sim-1/lease", request -> {
            int i = n.incrementAndGet();
            return i <= 2 ? Answer.json(FakeControlPlane.leaseJson("S" + i, "JS" + i, 1, LONG_JOB, false, "[]"))
                    : Answer.noContent(Duration.ofMillis(50));
        });

        startAgent(config().slots(2).build());

        assertThat(agent.log().awaitUntil(log -> log.leases().size() == 2, WAIT)).isTrue();
        server.await("POST", "/api/leases/S2/progress", WAIT);
        assertThat(agent.runningLeases()).containsExactlyInAnyOrder("S1", "S2");
        Thread.sleep(150);
        assertThat(n.get()).isEqualTo(2); // no poll while both slots are busy
        Recorded heartbeat = server.await(r -> r.is("POST", "/api/agents/sim-1/heartbeat")
                && r.json().path("leases").size() == 2, WAIT);
        assertThat(heartbeat.json().path("leases").findValuesAsText("leaseId")).containsExactlyInAnyOrder("S1", "S2");
    }
    @Test
    void work_items_are_recorded_as_mappings_before_the_checkpoint_that_names_them_and_the_last_before_completion()
            throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(FakeControlPlane.leaseJson("W1", "JW1", 3,
                "{\"simulation\":{\"durationMs\":400,\"workItems\":30}}", false, "[]")));

        startAgent(config().checkpointInterval(Duration.ofMillis(100)).build());

        Recorded complete = server.await("POST", "/api/leases/W1/complete", WAIT);
        List<Recorded> mappings = server.requests("POST", "/api/leases/W1/mappings");
        List<Integer> sources = mappings.stream().flatMap(m -> m.json().path("items").findValuesAsText("sourceId").stream())
                .map(Integer::valueOf).toList();
        assertThat(sources).as("items 1..30 once each, in order").isEqualTo(java.util.stream.IntStream.rangeClosed(1, 30)
                .boxed().toList());
        assertThat(mappings).allSatisfy(m -> {
            assertThat(m.json().path("epoch").asLong()).isEqualTo(3);
            m.json().path("items").forEach(item -> {
                assertThat(item.path("type").asText()).isEqualTo("WorkItem");
                assertThat(item.path("targetId").asInt()).isEqualTo(item.path("sourceId").asInt() + 100_000);
            });
        });
        List<Recorded> checkpoints = server.requests("PUT", "/api/leases/W1/checkpoints/simulation");
        for (Recorded checkpoint : checkpoints) {
            int named = checkpoint.json().path("data").path("workItems").asInt();
            long recordedBefore = mappings.stream().filter(m -> m.nanoTime() < checkpoint.nanoTime())
                    .mapToLong(m -> m.json().path("items").size()).sum();
            assertThat(recordedBefore).as("a checkpoint names only items already recorded").isGreaterThanOrEqualTo(named);
        }
        Recorded last = checkpoints.get(checkpoints.size() - 1);
        assertThat(last.json().path("data")).isEqualTo(Jackson.MAPPER.readTree("{\"percent\":100,\"workItems\":30}"));
        assertThat(last.nanoTime()).isLessThan(complete.nanoTime());
        assertThat(agent.log().events(EventType.MAPPINGS)).isNotEmpty();
    }

    @Test
    void a_resumed_job_records_only_the_work_items_after_its_checkpoint() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(FakeControlPlane.leaseJson("W2", "JW2", 2,
                "{\"simulation\":{\"durationMs\":300,\"workItems\":10}}", true, """
                [{"name":"simulation","kind":"cursor","data":{"percent":60,"workItems":6},"epoch":1,"updatedAt":"2029-12-31T23:00:00Z"}]
                """)));

        startAgent(config().build());

        server.await("POST", "/api/leases/W2/complete", WAIT);
        assertThat(server.requests("POST", "/api/leases/W2/mappings").stream()
                .flatMap(m -> m.json().path("items").findValuesAsText("sourceId").stream()).toList())
                .containsExactly("7", "8", "9", "10");
    }

    @Test
    void a_spec_can_make_its_job_fail_at_a_percent() throws Exception {
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(FakeControlPlane.leaseJson("W3", "JW3", 1,
                "{\"simulation\":{\"durationMs\":200,\"failAtPercent\":50}}", false, "[]")));

        startAgent(config().build());

        Recorded fail = server.await("POST", "/api/leases/W3/fail", WAIT);
        assertThat(fail.json().path("retryable").asBoolean(true)).isFalse();
        assertThat(fail.json().path("error").asText()).isEqualTo("simulated failure at 50%");
        assertThat(server.requests("POST", "/api/leases/W3/complete")).isEmpty();
    }

    // --- a throttled organisation; the clock is the test's, so "no progress before until" is exact ---

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private SimulatedAgent startAgent(AgentConfig config, MutableClock clock) {
        SimulatedAgent started = new SimulatedAgent(config, new AgentClient(server.uri(), () -> "agent-token"), clock);
        others.add(started);
        started.start();
        return started;
    }

    /** The lease's progress reports after {@code since} (a request's nanoTime), by percent. */
    private List<Integer> progressSince(String leaseId, long since) {
        return server.requests("POST", "/api/leases/" + leaseId + "/progress").stream()
                .filter(r -> r.nanoTime() > since).map(r -> r.json().path("percent").asInt()).toList();
    }

    @Test
    void a_job_touching_the_throttled_organisation_reports_once_backs_off_until_the_answer_then_completes()
            throws Exception {
        MutableClock clock = new MutableClock(T0);
        Instant until = T0.plus(Duration.ofMinutes(10)); // later than the job's own Retry-After: the answer wins
        server.on("POST", "/api/agents/sim-1/lease", FakeControlPlane.leaseOnce(FakeControlPlane.leaseJson("T1", "JT1", 2, """
                {"simulation":{"durationMs":1000,"throttleOrganisation":"dev.azure.com:contoso","throttleAfterMs":300,
                               "throttleRetryAfterSeconds":60,"throttleRemaining":0}}""", false, "[]")));
        server.on("POST", "/api/leases/T1/throttle", request -> Answer.json("""
                {"organisation":"dev.azure.com:contoso","until":"%s","allowedJobs":0,"remaining":0}""".formatted(until)));
        SimulatedAgent throttled = startAgent(config().build(), clock);
        assertThat(throttled.log().awaitUntil(log -> log.leases().size() == 1, WAIT)).isTrue();

        clock.advance(Duration.ofMillis(100));
        server.await("POST", "/api/leases/T1/progress", WAIT);
        clock.advance(Duration.ofMillis(250)); // 350 ms worked: past the throttle point
        Recorded report = server.await("POST", "/api/leases/T1/throttle", WAIT);
        assertThat(report.json()).isEqualTo(Jackson.MAPPER.readTree("""
                {"organisation":"dev.azure.com:contoso","retryAfterSeconds":60,"remaining":0}"""));
        assertThat(throttled.log().awaitUntil(log -> !log.events(EventType.THROTTLED).isEmpty(), WAIT)).isTrue();
        assertThat(throttled.log().events(EventType.THROTTLED).get(0).toLine())
                .contains("event=throttled", "organisation=dev.azure.com:contoso", "until=" + until, "allowedJobs=0");

        long heartbeats = throttled.log().heartbeats();
        clock.advance(Duration.ofMinutes(5));
        Thread.sleep(150);
        clock.advance(Duration.between(clock.instant(), until).minusMillis(1));
        Thread.sleep(150);
        assertThat(progressSince("T1", report.nanoTime())).as("no progress while backing off").isEmpty();
        assertThat(server.requests("PUT", "/api/leases/T1/checkpoints/.*")).isEmpty();
        assertThat(throttled.log().heartbeats()).as("it heartbeats all along").isGreaterThan(heartbeats);
        assertThat(throttled.runningLeases()).containsExactly("T1");

        clock.advance(Duration.ofMillis(101)); // until + 100 ms: 450 ms worked
        Recorded resumed = server.await(r -> r.is("POST", "/api/leases/T1/progress") && r.nanoTime() > report.nanoTime(),
                WAIT);
        assertThat(resumed.json().path("percent").asInt()).as("it goes on where it stood").isEqualTo(45);
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttled.log().awaitUntil(log -> log.completedJobs().contains("JT1"), WAIT)).isTrue();
        assertThat(server.requests("POST", "/api/leases/T1/throttle")).hasSize(1);
        assertThat(throttled.log().events(EventType.BACKING_OFF)).isEmpty();
    }

    @Test
    void a_back_off_in_a_heartbeat_answer_pauses_the_job_of_another_agent_until_it_ends() throws Exception {
        MutableClock clock = new MutableClock(T0);
        Instant until = T0.plus(Duration.ofMinutes(2));
        AtomicReference<Instant> backingOff = new AtomicReference<>();
        for (String n : List.of("1", "2")) {
            server.on("POST", "/api/agents/sim-" + n + "/lease", FakeControlPlane.leaseOnce(FakeControlPlane.leaseJson(
                    "B" + n, "JB" + n, 1, "{\"simulation\":{\"durationMs\":1000}}", false, "[]")));
        }
        server.on("POST", "/api/leases/B1/throttle", request -> {
            backingOff.set(until);
            return Answer.json("{\"organisation\":\"dev.azure.com:contoso\",\"until\":\"" + until
                    + "\",\"allowedJobs\":0,\"remaining\":null}");
        });
        // like the control plane: every held lease goes on, with the back-off once its organisation asked for one
        server.on("POST", "/api/agents/[^/]+/heartbeat", request -> {
            StringBuilder commands = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonNode held : request.json().path("leases")) {
                commands.append(commands.length() == 0 ? "" : ",").append("{\"type\":\"continue\",\"leaseId\":\"")
                        .append(held.path("leaseId").asText()).append("\"");
                if (backingOff.get() != null) {
                    commands.append(",\"backOff\":{\"organisation\":\"dev.azure.com:contoso\",\"until\":\"")
                            .append(backingOff.get()).append("\",\"retryAfterSeconds\":120}");
                }
                commands.append('}');
            }
            return Answer.json("{\"commands\":[" + commands + "]}");
        });
        SimulatedAgent reporter = startAgent(config().agentId("sim-1")
                .throttling("Dev.Azure.com:Contoso", Duration.ofMillis(200), 30, null).build(), clock);
        SimulatedAgent other = startAgent(config().agentId("sim-2").build(), clock);
        assertThat(reporter.log().awaitUntil(log -> log.leases().size() == 1, WAIT)).isTrue();
        assertThat(other.log().awaitUntil(log -> log.leases().size() == 1, WAIT)).isTrue();

        clock.advance(Duration.ofMillis(250));
        server.await("POST", "/api/leases/B1/throttle", WAIT);
        assertThat(other.log().awaitUntil(log -> !log.events(EventType.BACKING_OFF).isEmpty(), WAIT)).isTrue();
        assertThat(other.log().events(EventType.BACKING_OFF).get(0).toLine()).contains("event=backing-off",
                "leaseId=B2", "organisation=dev.azure.com:contoso", "until=" + until, "retryAfterSeconds=120");
        Thread.sleep(100); // a progress report of 250 ms that was on its way may still land
        long pausedAt = System.nanoTime();
        clock.advance(Duration.ofMinutes(1));
        Thread.sleep(200);
        assertThat(progressSince("B2", pausedAt)).as("no progress while backing off").isEmpty();
        assertThat(other.runningLeases()).containsExactly("B2");

        clock.advance(Duration.between(clock.instant(), until).plusMillis(100)); // 350 ms worked
        Recorded resumed = server.await(r -> r.is("POST", "/api/leases/B2/progress") && r.nanoTime() > pausedAt, WAIT);
        assertThat(resumed.json().path("percent").asInt()).isEqualTo(35);
        clock.advance(Duration.ofSeconds(1));
        assertThat(other.log().awaitUntil(log -> log.completedJobs().contains("JB2"), WAIT)).isTrue();
        assertThat(reporter.log().awaitUntil(log -> log.completedJobs().contains("JB1"), WAIT)).isTrue();
        assertThat(server.requests("POST", "/api/leases/B2/throttle")).as("only the throttled agent reports").isEmpty();
        assertThat(other.log().events(EventType.BACKING_OFF)).as("the same back-off, heard again, is logged once")
                .hasSize(1);
        assertThat(reporter.log().events(EventType.THROTTLED)).singleElement()
                .satisfies(e -> assertThat(e.fields()).containsEntry("until", until.toString()));
    }
}
