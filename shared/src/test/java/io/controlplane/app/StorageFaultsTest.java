package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.adapters.tables.TableStorage;
import io.controlplane.api.Json;
import io.controlplane.domain.DomainException;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpecs;
import io.controlplane.domain.JobState;
import io.controlplane.ports.JobFilter;
import io.controlplane.testing.Azurite;
import io.controlplane.testing.StorageFaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transient storage failures during dispatch, on Azurite behind a fault-injecting pipeline policy:
 * tries fail with 503 before they are sent or, worse, after they committed (the answer is lost and
 * the SDK's retry policy sends the write again). The SDK's configured retry policy absorbs most;
 * what gets through reaches the use cases as errors. Afterwards every job has been completed exactly
 * once, no job was ever granted to two agents under one fencing epoch, and none was lost.
 */
class StorageFaultsTest {

    private static final int JOBS = 30;
    private static final int AGENTS = 4;

    private final StorageFaults faults = new StorageFaults(20261125L, 0.10, 0.10);
    private TableStorage storage;
    private DispatchFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
        faults.enabled(false);
        if (storage != null) {
            storage.dropTables();
        }
    }

    @Test
    void transientFailuresNeitherLoseAJobNorLeaseItTwice() {
        String prefix = "f" + ProcessHandle.current().pid() + "x" + System.nanoTime() % 1_000_000;
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, prefix, Json.mapper(), List.of(faults));
        faults.enabled(false);
        storage.ensureTables();
        f = new DispatchFixture(new UseCases.Stores(storage.jobStore(), storage.agentStore(), storage.readyQueue(),
                storage.tenantStore(), storage.mappingStore(), storage.leaseExpiries()), Map.of("LEASE_SECONDS", "30", "HEARTBEAT_SECONDS", "10"));
        for (int a = 0; a < AGENTS; a++) {
            f.register("agent-" + a, "westeurope", "shared", 2, "azure-devops");
        }
        faults.enabled(true);

        List<String> submitted = new ArrayList<>();
        int refusedSubmissions = 0;
        while (submitted.size() < JOBS) {
            try {
                submitted.add(f.submit("contoso", JobSpecs.aJobSpec().build()).id());
            } catch (RuntimeException e) {
                refusedSubmissions++; // the client saw an error and submits again; a stored twin is fine
            }
        }

        Map<String, List<Long>> grantedEpochs = new HashMap<>();
        int errors = 0;
        for (int round = 0; round < 400 && !allDone(); round++) {
            for (int a = 0; a < AGENTS; a++) {
                String agentId = "agent-" + a;
                Caller agent = DispatchFixture.agentIdentity(agentId);
                try {
                    Optional<LeaseGrant> grant = f.lease(agentId);
                    if (grant.isEmpty()) {
                        continue;
                    }
                    grantedEpochs.computeIfAbsent(grant.get().job().id(), k -> new ArrayList<>()).add(grant.get().epoch());
                    f.app.reportProgress().report(agent, grant.get().leaseId(), 50, Map.of(), "half");
                    f.app.finishJob().complete(agent, grant.get().leaseId());
                } catch (DomainException | com.azure.core.exception.AzureException e) {
                    errors++; // lease lost, conflict or storage error: the agent moves on, as a real one does
                }
            }
            if (round % 5 == 4) {
                // Time passes: leases nobody works on (a claim whose answer was lost) expire and are requeued.
                f.clock.advance(Duration.ofSeconds(31));
                try {
                    f.app.reconcile().run();
                } catch (RuntimeException e) {
                    errors++;
                }
            }
        }
        faults.enabled(false);
        for (int i = 0; i < 5 && !allDone(); i++) {
            f.clock.advance(Duration.ofSeconds(31));
            f.app.reconcile().run();
            for (int a = 0; a < AGENTS; a++) {
                Caller agent = DispatchFixture.agentIdentity("agent-" + a);
                f.lease("agent-" + a).ifPresent(g -> {
                    grantedEpochs.computeIfAbsent(g.job().id(), k -> new ArrayList<>()).add(g.epoch());
                    f.app.finishJob().complete(agent, g.leaseId());
                });
            }
        }

        List<Job> stored = all();
        System.out.printf("storage faults: %d requests, %d failed before sending, %d answers lost after commit;"
                        + " %d use-case errors, %d submissions retried by the client; %d jobs stored%n",
                faults.requests.get(), faults.failedBefore.get(), faults.failedAfter.get(), errors, refusedSubmissions, stored.size());
        assertThat(faults.failedAfter.get()).as("faults were injected").isPositive();
        assertThat(stored).extracting(Job::id).as("every acknowledged submission is stored").containsAll(submitted);
        for (Job job : stored) {
            List<HistoryEntry> history = f.jobs.history("contoso", job.id());
            assertThat(job.state()).as(job.id() + " " + history).isEqualTo(JobState.Completed);
            assertThat(history.stream().filter(h -> h.to() == JobState.Completed)).as("completed once").hasSize(1);
            List<Long> epochs = grantedEpochs.getOrDefault(job.id(), List.of());
            assertThat(epochs).as("no two grants of " + job.id() + " share a fencing epoch").doesNotHaveDuplicates();
            long assigned = history.stream().filter(h -> h.to() == JobState.Assigned).count();
            assertThat(assigned).as("each grant an agent got is one stored assignment").isGreaterThanOrEqualTo(epochs.size());
        }
    }

    private boolean allDone() {
        List<Job> jobs = all();
        return !jobs.isEmpty() && jobs.size() >= JOBS && jobs.stream().allMatch(j -> j.state() == JobState.Completed);
    }

    /** What is stored, read without faults (the check, not the system under test). */
    private List<Job> all() {
        boolean was = faults.enabled();
        faults.enabled(false);
        try {
            return f.jobs.list("contoso", JobFilter.none(), 500, null).items();
        } finally {
            faults.enabled(was);
        }
    }
}
