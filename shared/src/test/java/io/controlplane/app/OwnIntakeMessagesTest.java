package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Job;
import io.controlplane.ports.IntakeMessage;
import io.controlplane.ports.JobStore;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An instance's own intake message (echoed at once, and delivered back by the queue) for a job it
 * has already leased is nothing new to its dispatcher: no job read. A message announcing the job
 * queued again after that lease is.
 */
class OwnIntakeMessagesTest {

    private final UseCases.Stores base = DispatchOnMemoryTest.memory();
    private final AtomicInteger finds = new AtomicInteger();
    private final JobStore counted = (JobStore) Proxy.newProxyInstance(JobStore.class.getClassLoader(),
            new Class<?>[] {JobStore.class}, (proxy, method, args) -> {
                if (method.getName().equals("find")) {
                    finds.incrementAndGet();
                }
                try {
                    return method.invoke(base.jobs(), args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final DispatchFixture f = new DispatchFixture(new UseCases.Stores(counted, base.agents(), base.ready(), base.tenants(),
            base.mappings(), base.leases()), Map.of());

    @Test
    void aMessageForAJobThisInstanceLeasedCostsNoRead() {
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        f.lease("agent-1"); // the view is loaded, the agent waits no more
        Job job = f.submit("contoso", aJobSpec().build());
        LeaseGrant grant = f.lease("agent-1").orElseThrow();
        assertThat(grant.job().id()).isEqualTo(job.id());

        int before = finds.get();
        IntakeMessage own = new IntakeMessage("westeurope", job.spec().tier(), job.tenantId(), job.id(), job.epoch());
        f.app.dispatcher().intake(own);
        f.app.dispatcher().intake(own);
        f.lease("agent-1"); // a run applies the events (the agent has no free slot: nothing offered)

        assertThat(finds.get() - before).as("job reads for the leased job's own messages").isZero();

        IntakeMessage requeued = new IntakeMessage("westeurope", job.spec().tier(), job.tenantId(), job.id(), grant.epoch());
        f.app.dispatcher().intake(requeued);
        f.lease("agent-1");
        assertThat(finds.get() - before).as("a message of the job queued again is looked up").isPositive();
    }
}
