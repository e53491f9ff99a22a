package io.controlplane.adapters.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.api.Json;
import io.controlplane.app.JobIdGenerator;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.Tier;
import io.controlplane.ports.JobStore;
import io.controlplane.ports.JobStoreContractTest;
import io.controlplane.testing.AzureDateTimePrecision;
import io.controlplane.testing.Azurite;
import io.controlplane.testing.StorageFaults;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The job store contract on real Table Storage (Azurite). */
class TableJobStoreTest extends JobStoreContractTest {

    private static TableStorage storage;

    @BeforeAll
    static void startStorage() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, "t" + System.nanoTime(), Json.mapper())
                .ensureTables();
    }

    @AfterAll
    static void dropTables() {
        storage.dropTables();
    }

    @Override
    protected JobStore newStore() {
        // Each test uses a fresh tenant (partition), so one set of tables serves the class.
        return storage.jobStore();
    }

    /**
     * A write that committed but whose answer was lost is sent again by the SDK's retry, which meets
     * the write's own rows: the store must recognise them. Azure gives an Edm.DateTime back to 100 ns
     * only (faked here on Azurite, which keeps every digit), so with a clock that has nanoseconds the
     * job as held in memory never equals the job as read back, and the write was reported as a conflict.
     */
    @Test
    void aLostAnswerIsRecognisedWhenTheClockHasNanoseconds() {
        StorageFaults faults = new StorageFaults(1L, 0, 0);
        TableStorage azureLike = TableStorage.connect(Azurite.shared().connectionString(), null, "n" + System.nanoTime(),
                Json.mapper(), List.of(faults, new AzureDateTimePrecision())).ensureTables();
        try {
            JobStore jobs = azureLike.jobStore();
            Instant t = Instant.parse("2026-01-01T00:00:00.123456789Z");
            String tenantId = "tenant-" + UUID.randomUUID();
            Job.Transition submitted = Job.submitted(new JobIdGenerator(Clock.fixed(t, ZoneOffset.UTC)).next(), tenantId,
                    spec(Tier.Premium, "westeurope"), t, "client-1");

            faults.loseNextAnswers(1);
            Job created = jobs.create(submitted.job(), submitted.entry());
            Job.Transition cancelled = created.transition(JobState.Cancelled, t.plusSeconds(5), "by client", "client-1");
            faults.loseNextAnswers(1);
            Job updated = jobs.update(cancelled.job(), List.of(cancelled.entry()));

            assertThat(faults.failedAfter.get()).as("both writes committed and lost their answers").isEqualTo(2);
            Job stored = jobs.find(tenantId, created.id()).orElseThrow();
            assertThat(stored.state()).isEqualTo(JobState.Cancelled);
            assertThat(stored.etag()).as("the update answers with the version it stored").isEqualTo(updated.etag());
            assertThat(stored.updatedAt()).isEqualTo(t.plusSeconds(5).truncatedTo(ChronoUnit.MICROS));
            assertThat(jobs.history(tenantId, created.id())).extracting(HistoryEntry::to)
                    .containsExactly(JobState.Queued, JobState.Cancelled);
        } finally {
            azureLike.dropTables();
        }
    }
}
