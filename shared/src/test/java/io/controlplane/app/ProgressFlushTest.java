package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Job;
import io.controlplane.ports.JobStore;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A coalesced progress report stays in the job view while its flush writes it: a view read in
 * between shows it, never the older report still stored (found from the CLI's watch: progress
 * went backwards, 91 % then 74 %, while the flush was on its way).
 */
class ProgressFlushTest {

    private final UseCases.Stores base = DispatchOnMemoryTest.memory();
    private final List<Double> seenDuringFlush = new CopyOnWriteArrayList<>();
    private volatile DispatchFixture fixture;
    private final JobStore jobs = (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(), new Class<?>[] {JobStore.class},
            (proxy, method, args) -> {
                if (method.getName().equals("update") && args[0] instanceof Job job && job.progress().percent() == 91) {
                    // the flush's write, before it lands: what does a client see now?
                    seenDuringFlush.add(fixture.app.jobQueries().get(DispatchFixture.client("contoso"), job.id()).progress().percent());
                }
                try {
                    return method.invoke(base.jobs(), args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final DispatchFixture f = new DispatchFixture(new UseCases.Stores(jobs, base.agents(), base.ready(), base.tenants(),
            base.mappings(), base.leases()), Map.of("PROGRESS_MIN_INTERVAL_MS", "100"));

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aViewReadWhileTheFlushWritesShowsTheReportBeingWritten() throws Exception {
        fixture = f;
        Job job = f.submit("contoso", aJobSpec().build());
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        Caller agent = DispatchFixture.agentIdentity("agent-1");
        LeaseGrant grant = f.lease("agent-1").orElseThrow();
        f.app.reportProgress().report(agent, grant.leaseId(), 74, Map.of(), "stored at once");
        assertThat(f.app.reportProgress().report(agent, grant.leaseId(), 91, Map.of(), "coalesced").coalesced()).isTrue();

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (f.job(job).progress().percent() != 91 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        assertThat(f.job(job).progress().percent()).as("flushed").isEqualTo(91);
        assertThat(seenDuringFlush).as("views read while the flush wrote").isNotEmpty().containsOnly(91.0);
    }
}
