package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;

import io.controlplane.adapters.memory.InMemoryIntakeQueue;
import io.controlplane.config.DispatchSettings;
import io.controlplane.domain.Tier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A deep queue filled from many threads while the dispatcher's runs go on a real pool: an agent
 * asking with no wait gets a job every time, one after another. Found by the benchmark: with the
 * deletes of claimed entries still queued on a busy pool, each look at the ready heads brought the
 * claimed entries back into the view, and a run gave up after four claims that found their job gone.
 * The pool here is held busy the same way (its tasks wait), so the deletes stay in the table.
 */
class DeepQueueClaimsTest {

    @Test
    void onMemory() throws Exception {
        anAgentAskingWithoutWaitingGetsAJobEachTime(DispatchOnMemoryTest.memory());
    }

    @Test
    void onTableStorage() throws Exception {
        anAgentAskingWithoutWaitingGetsAJobEachTime(DispatchOnTableStorageTest.tables());
    }

    private void anAgentAskingWithoutWaitingGetsAJobEachTime(UseCases.Stores stores) throws Exception {
        // One slow thread: the claims' deletes of ready entries wait behind each other, as on a busy host.
        ExecutorService background = Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ExecutorService submitters = Executors.newFixedThreadPool(16);
        try (UseCases app = UseCases.builder(stores, new InMemoryIntakeQueue(), Set.of("westeurope"))
                .dispatch(DispatchSettings.defaults()).clock(Clock.systemUTC()).background(background).build()) {
            Caller client = DispatchFixture.client("contoso");
            List<Future<?>> submitted = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                submitted.add(submitters.submit(() -> app.submitJob().submit(client, aJobSpec().withTier(Tier.Standard).build())));
            }
            for (Future<?> f : submitted) {
                f.get(2, TimeUnit.MINUTES);
            }
            background.execute(() -> {
                try {
                    release.await(); // holds every later background task (the entry deletes) until the end
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Caller agent = DispatchFixture.agentIdentity("claimer");
            app.registerAgent().register(agent, "claimer", new RegisterAgent.Registration("westeurope", "shared",
                    Set.of("azure-devops"), 1));
            for (int i = 0; i < 60; i++) {
                LeaseGrant grant = app.leaseWork().lease(agent, "claimer", 0).orElseThrow(
                        () -> new AssertionError("nothing offered with 2,000 queued"));
                app.finishJob().complete(agent, grant.leaseId());
                if (i % 10 == 9) {
                    Thread.sleep(5_100); // past the poll interval: the next ask looks at the ready heads again
                }
            }
            release.countDown();
        } finally {
            background.shutdownNow();
            submitters.shutdownNow();
        }
    }
}
