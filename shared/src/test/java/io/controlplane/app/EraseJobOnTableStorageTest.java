package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.util.BinaryData;
import io.controlplane.adapters.tables.TableStorage;
import io.controlplane.api.Json;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpecs;
import io.controlplane.ports.MappingStore;
import io.controlplane.testing.Azurite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Erasing the last job of a mapping scope while a new job of the scope starts, on real Table
 * Storage (Azurite). The interleaving is made, not waited for: a pipeline policy runs the new
 * job's work just before the erase sends its first delete to the mappings table, after the erase
 * has found no other job in the scope.
 */
class EraseJobOnTableStorageTest {

    private static final String SCOPE = "contoso-to-fabrikam";

    private final String prefix = "e" + ProcessHandle.current().pid() + "x" + System.nanoTime() % 1_000_000;
    private final BeforeFirstMappingDelete hook = new BeforeFirstMappingDelete(prefix + "mappings(");
    private TableStorage storage;
    private DispatchFixture f;
    private String tenant;

    @BeforeEach
    void setUp() {
        storage = TableStorage.connect(Azurite.shared().connectionString(), null, prefix, Json.mapper(), List.of(hook))
                .ensureTables();
        f = new DispatchFixture(new UseCases.Stores(storage.jobStore(), storage.agentStore(), storage.readyQueue(),
                storage.tenantStore(), storage.mappingStore(), storage.leaseExpiries()), Map.of());
        tenant = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        f.dedicate(tenant, "shared");
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
    }

    @AfterEach
    void tearDown() {
        f.close();
        storage.dropTables();
    }

    private static IdMapping wi(String source, String target) {
        return new IdMapping("workItem", source, target);
    }

    private LeaseGrant submitAndLease() {
        Job job = f.submit(tenant, JobSpecs.aJobSpec().withMappingScope(SCOPE).build());
        LeaseGrant grant = f.lease("agent-1").orElseThrow();
        assertThat(grant.job().id()).isEqualTo(job.id());
        return grant;
    }

    /**
     * "Close the lost-work holes", defect 6: the new job's fresh mapping, and the old pair it was
     * told is already stored, survive the erase; the erased job's other pairs are gone both ways.
     */
    @Test
    void aNewJobsMappingsWrittenWhileItsScopeIsErasedSurviveAndTheErasedJobsPairsGo() {
        Caller agent = DispatchFixture.agentIdentity("agent-1");
        LeaseGrant old = submitAndLease();
        f.app.recordMappings().record(agent, old.leaseId(), List.of(wi("1", "101"), wi("2", "102"), wi("3", "103")));
        f.app.finishJob().complete(agent, old.leaseId());
        AtomicReference<MappingStore.Recorded> answerToNewJob = new AtomicReference<>();
        hook.then(() -> {
            LeaseGrant fresh = submitAndLease();
            answerToNewJob.set(f.app.recordMappings().record(agent, fresh.leaseId(), List.of(wi("1", "101"), wi("9", "909"))));
        });

        f.app.eraseJob().erase(DispatchFixture.client(tenant), old.job().id());

        assertThat(hook.ran()).as("the new job ran during the erase").isTrue();
        assertThat(answerToNewJob.get()).isEqualTo(new MappingStore.Recorded(1, 1));
        assertThat(f.jobs.find(tenant, old.job().id())).isEmpty();
        for (IdMapping kept : List.of(wi("9", "909"), wi("1", "101"))) {
            assertThat(f.mappings.findBySource(tenant, SCOPE, "workItem", kept.sourceId())).as("kept " + kept).contains(kept);
            assertThat(f.mappings.findByTarget(tenant, SCOPE, "workItem", kept.targetId())).as("kept " + kept).contains(kept);
        }
        for (IdMapping gone : List.of(wi("2", "102"), wi("3", "103"))) {
            assertThat(f.mappings.findBySource(tenant, SCOPE, "workItem", gone.sourceId())).as("erased " + gone).isEmpty();
            assertThat(f.mappings.findByTarget(tenant, SCOPE, "workItem", gone.targetId())).as("erased " + gone).isEmpty();
        }
    }

    /** Runs an action once, just before the first transaction with a delete is sent to the mappings table. */
    static final class BeforeFirstMappingDelete extends io.controlplane.testing.ObservingPolicy {

        private final String table;
        private final AtomicReference<Runnable> action = new AtomicReference<>();
        private final List<Boolean> ran = new ArrayList<>();

        BeforeFirstMappingDelete(String tableInUrl) {
            this.table = tableInUrl;
        }

        void then(Runnable next) {
            action.set(next);
        }

        synchronized boolean ran() {
            return !ran.isEmpty();
        }

        @Override
        protected void see(HttpPipelineCallContext context) {
            if (action.get() == null || !context.getHttpRequest().getUrl().getPath().endsWith("/$batch")) {
                return;
            }
            BinaryData body = context.getHttpRequest().getBodyAsBinaryData();
            String text = body == null ? "" : body.toString();
            if (text.contains(table) && text.contains("DELETE ")) {
                Runnable run = action.getAndSet(null);
                if (run != null) {
                    run.run();
                    synchronized (this) {
                        ran.add(true);
                    }
                }
            }
        }
    }
}
