package io.controlplane.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.auth.DevIssuer;
import io.controlplane.simulator.AgentClient;
import io.controlplane.simulator.Registration;
import io.controlplane.testing.Azurite;
import io.controlplane.testing.LocalSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What idle agents cost in storage, counted by the storage server itself (Azurite's request log):
 * 50 agents long-polling (25 s) and heartbeating (every 15 s, naming their leases: none) on one
 * standalone host with the default settings, for a minute, with nothing to do. Every table
 * request of that minute counts, whoever made it (polls, heartbeats, the dispatcher's backstop
 * look, the reconcile timer).
 */
class IdleAgentsCostTest {

    private static final int AGENTS = 50;
    private static final Duration WINDOW = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void fiftyIdleAgentsCostAtMostSixTableRequestsEachPerMinute() throws Exception {
        try (Azurite azurite = Azurite.withRequestLog(work.resolve("requests.log"))) {
            Map<String, String> values = LocalSettings.onSharedAzurite("idle" + System.nanoTime() % 100_000, work.resolve("key.json"));
            values.put("STORAGE_CONNECTION_STRING", azurite.connectionString());
            StandaloneHost host = StandaloneHost.start(values);
            DevIssuer issuer = DevIssuer.loadOrCreate(work.resolve("key.json"), DevIssuer.DEFAULT_ISSUER, DevIssuer.DEFAULT_AUDIENCE);
            URI uri = URI.create("http://127.0.0.1:" + host.port());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger polls = new AtomicInteger();
            AtomicInteger beats = new AtomicInteger();
            ExecutorService pollers = Executors.newFixedThreadPool(AGENTS);
            ScheduledExecutorService heartbeats = Executors.newScheduledThreadPool(4);
            try {
                List<AgentClient> agents = new ArrayList<>();
                for (int i = 0; i < AGENTS; i++) {
                    String id = "idle-" + i;
                    String token = issuer.token("provider", id, List.of("Agents.Run"), Duration.ofHours(1));
                    AgentClient agent = new AgentClient(uri, () -> token);
                    agent.register(id, new Registration("westeurope", "shared", List.of("azure-devops"), 1));
                    agents.add(agent);
                    pollers.submit(() -> {
                        while (running.get()) {
                            assertThat(agent.lease(id, 25)).as("nothing is queued").isEmpty();
                            polls.incrementAndGet();
                        }
                        return null;
                    });
                    heartbeats.scheduleAtFixedRate(() -> {
                        agent.heartbeat(id, List.of());
                        beats.incrementAndGet();
                    }, i * 15_000L / AGENTS, 15_000, TimeUnit.MILLISECONDS);
                }
                Thread.sleep(20_000); // registrations, first polls and heartbeats, the first reconcile passes
                long before = total(azurite.tableRequests());
                int beatsBefore = beats.get();
                Thread.sleep(WINDOW.toMillis());
                Map<String, Long> after = azurite.tableRequests();
                long inWindow = total(after) - before;
                double perAgentPerMinute = inWindow / (double) AGENTS / (WINDOW.toSeconds() / 60.0);
                System.out.printf("idle agents: %d agents, %d s: %d table requests (%.2f per agent per minute), %d heartbeats, "
                        + "%d polls answered so far; all requests by method since start: %s%n", AGENTS, WINDOW.toSeconds(),
                        inWindow, perAgentPerMinute, beats.get() - beatsBefore, polls.get(), after);
                assertThat(beats.get() - beatsBefore).as("the agents did heartbeat").isGreaterThanOrEqualTo(AGENTS * 3);
                assertThat(perAgentPerMinute).isLessThanOrEqualTo(6.0);
            } finally {
                running.set(false);
                heartbeats.shutdownNow();
                host.close();
                pollers.shutdownNow();
            }
        }
    }

    private static long total(Map<String, Long> byMethod) {
        return byMethod.values().stream().mapToLong(Long::longValue).sum();
    }
}
