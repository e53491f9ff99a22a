package io.controlplane.adapters.tables;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

import com.azure.data.tables.models.TableEntity;
import io.controlplane.api.Json;
import io.controlplane.app.Caller;
import io.controlplane.app.DispatchFixture;
import io.controlplane.app.LeaseGrant;
import io.controlplane.app.UseCases;
import io.controlplane.domain.Checkpoint;
import io.controlplane.domain.Job;
import io.controlplane.domain.Tier;
import io.controlplane.testing.Azurite;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every instant the Table Storage adapters write is one Azure keeps exactly. Azure keeps an
 * Edm.DateTime to 100 ns, Azurite to the nanosecond, so a write of nanoseconds passes every other
 * test here and differs from its own read-back on Azure. The use cases run on a clock with
 * nanoseconds, and every Edm.DateTime property of every table is then read back raw.
 */
class StoredInstantsTest {

    private TableStorage storage;
    private DispatchFixture f;

    @AfterEach
    void tearDown() {
        if (f != null) {
            f.close();
        }
        if (storage != null) {
            storage.dropTables();
        }
    }

    @Test
    void instantsAreStoredToTheMicrosecondAzureKeeps() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "i" + System.nanoTime(), Json.mapper())
                .ensureTables();
        f = new DispatchFixture(new UseCases.Stores(storage.jobStore(), storage.agentStore(), storage.readyQueue(),
                storage.tenantStore(), storage.mappingStore(), storage.leaseExpiries()), Map.of("PREEMPT_AFTER_SECONDS", "2", "STOP_GRACE_SECONDS", "30"));
        f.clock.advance(Duration.ofNanos(123_456_789));
        Caller agent = DispatchFixture.agentIdentity("agent-1");

        // Every write that carries a time: registration, submission, lease, heartbeat, progress,
        // checkpoint, preemption (hold), release, a retryable failure (back-off), pause (stop deadline).
        Job standard = f.submit("contoso", aJobSpec().withTier(Tier.Standard).build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        LeaseGrant victim = f.lease("agent-1").orElseThrow();
        f.app.heartbeat().beat(agent, "agent-1");
        f.app.reportProgress().report(agent, victim.leaseId(), 40, Map.of("workItems", 400L), "40%");
        f.app.saveCheckpoint().save(agent, victim.leaseId(), "work-items", Checkpoint.Kind.cursor, Map.of("lastId", 400));
        f.submit("fabrikam", aJobSpec().withTier(Tier.Platinum).build());
        f.clock.advance(Duration.ofSeconds(3));
        assertThat(f.app.preemption().run("westeurope")).as("the Standard job is preempted").isNotEmpty();
        f.app.releaseLease().release(agent, victim.leaseId(), "preempted");
        LeaseGrant platinum = f.lease("agent-1").orElseThrow();
        f.app.finishJob().fail(agent, platinum.leaseId(), "source unavailable", true);
        assertThat(f.lease("agent-1").orElseThrow().job().id()).as("the preempted job comes back").isEqualTo(standard.id());
        f.app.pauseResume().pause(DispatchFixture.client("contoso"), standard.id());

        List<String> beyondMicros = new ArrayList<>();
        Set<String> checked = new TreeSet<>();
        for (String name : TableNames.ALL) {
            for (TableEntity row : storage.table(name).listEntities()) {
                row.getProperties().forEach((property, value) -> {
                    if (!"Timestamp".equals(property) && value instanceof OffsetDateTime time) {
                        checked.add(name + "." + property);
                        if (time.getNano() % 1_000 != 0) {
                            beyondMicros.add(name + " " + row.getRowKey() + " " + property + " = " + time);
                        }
                    }
                });
            }
        }

        assertThat(checked).as("the scenario wrote every kind of stored time").contains(
                "jobs.CreatedAt", "jobs.UpdatedAt", "jobs.At", "jobs.LeaseExpiresAt", "jobs.ProgressUpdatedAt",
                "jobs.LastCheckpointAt", "jobs.StopDeadline", "agents.RegisteredAt", "agents.LastHeartbeatAt",
                "ready.EnqueuedAt", "ready.InsertedAt", "ready.NotBefore");
        assertThat(beyondMicros).as("Edm.DateTime values with more than 6 fractional digits").isEmpty();
    }
}
