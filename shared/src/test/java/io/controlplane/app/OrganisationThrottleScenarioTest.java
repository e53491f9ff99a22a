package io.controlplane.app;

import io.controlplane.domain.Endpoint;
import io.controlplane.domain.EndpointType;
import io.controlplane.domain.Job;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.AgentCommand;
import io.controlplane.scheduling.WaitReasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An organisation that throttled an agent (HTTP 429, Retry-After 60): no job touching it starts
 * for 60 s, the agents running against it are told to back off, the queued jobs say why they wait
 * and the operators' list shows it; afterwards its jobs start again at half the concurrency it was
 * throttled at, one more per step, while other organisations' jobs are never held up.
 */
abstract class OrganisationThrottleScenarioTest {

    private static final String NORTHWIND = "dev.azure.com:northwind";

    /** The stores the scenarios run on. */
    protected abstract UseCases.Stores stores();

    private final DispatchFixture f = new DispatchFixture(stores(), Map.of("THROTTLE_INCREASE_SECONDS", "30"));
    private final Caller agent = DispatchFixture.agentIdentity("agent-1");

    @AfterEach
    void close() {
        f.close();
    }

    private static Endpoint ado(String organisation) {
        return new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/" + organisation, "P", null);
    }

    private Job submit(String source) {
        Job job = f.submit("contoso", aJobSpec().withSource(ado(source)).withTarget(ado("fabrikam")).build());
        f.clock.advance(Duration.ofMillis(1));
        return job;
    }

    private List<LeaseGrant> leaseAll() {
        List<LeaseGrant> granted = new ArrayList<>();
        for (Optional<LeaseGrant> g = f.lease("agent-1"); g.isPresent(); g = f.lease("agent-1")) {
            granted.add(g.get());
        }
        return granted;
    }

    /** Heartbeats for every lease held (keeps them alive while the simulated clock moves). */
    private AgentHeartbeat.Beat beat(List<LeaseGrant> held) {
        return f.app.heartbeat().beat(agent, "agent-1", held.stream().map(LeaseGrant::leaseId).toList());
    }

    @Test
    void aThrottledOrganisationStartsNoJobUntilItsRetryAfterThenRecoversStepByStep() {
        f.register("agent-1", "westeurope", "shared", 10, "azure-devops");
        submit("northwind");
        submit("northwind");
        List<LeaseGrant> running = new ArrayList<>(leaseAll());
        assertThat(running).hasSize(2);
        beat(running); // both start

        Instant reportedAt = f.clock.instant();
        ThrottleReports.Outcome outcome = f.app.throttleReports().report(agent, running.get(0).leaseId(), NORTHWIND,
                Duration.ofSeconds(60), 0);
        assertThat(outcome.until()).isEqualTo(reportedAt.plusSeconds(60));
        assertThat(outcome.allowedJobs()).isZero();

        List<Job> waiting = List.of(submit("northwind"), submit("northwind"), submit("northwind"));
        Job other = submit("adatum");
        Job othersTenant = f.submit("fabrikam-corp", aJobSpec().withSource(ado("northwind")).withTarget(ado("fabrikam")).build());
        List<LeaseGrant> granted = leaseAll();
        assertThat(granted).extracting(g -> g.job().id()).as("only the other organisation's job starts").containsExactly(other.id());
        assertThat(f.app.dispatcher().whyWaiting(f.job(othersTenant)).orElseThrow().reason())
                .as("another tenant's job against it waits too: the organisation's limits are shared").isEqualTo("organisation-throttled");
        f.app.cancelJob().cancel(DispatchFixture.client("fabrikam-corp"), othersTenant.id(), "seen waiting");
        running.addAll(granted);

        AgentHeartbeat.Beat told = beat(running);
        assertThat(told.commands()).filteredOn(c -> !c.jobId().equals(other.id())).hasSize(2).allSatisfy(c -> {
            assertThat(c.type()).isEqualTo(AgentCommand.CONTINUE);
            assertThat(c.backOff()).isNotNull();
            assertThat(c.backOff().organisation()).isEqualTo(NORTHWIND);
            assertThat(c.backOff().until()).isEqualTo(reportedAt.plusSeconds(60));
        });
        assertThat(told.commands()).filteredOn(c -> c.jobId().equals(other.id())).singleElement()
                .satisfies(c -> assertThat(c.backOff()).as("its job does not touch northwind").isNull());

        WaitReasons.Waiting why = f.app.dispatcher().whyWaiting(f.job(waiting.get(0))).orElseThrow();
        assertThat(why.reason()).isEqualTo("organisation-throttled");
        assertThat(why.organisation()).isEqualTo(NORTHWIND);
        assertThat(why.until()).isEqualTo(reportedAt.plusSeconds(60));
        assertThat(f.app.admin().throttled()).extracting(t -> t.key()).containsExactly(NORTHWIND);

        f.clock.advance(Duration.ofSeconds(30));
        beat(running);
        f.clock.advance(Duration.ofSeconds(29));
        beat(running);
        assertThat(leaseAll()).as("59 s after the report").isEmpty();

        f.clock.advance(Duration.ofSeconds(1));
        beat(running);
        assertThat(leaseAll()).as("half of the two it ran when throttled may run, and two still do").isEmpty();
        assertThat(f.app.dispatcher().whyWaiting(f.job(waiting.get(0))).orElseThrow().reason())
                .isEqualTo("organisation-throttle-budget");

        f.app.finishJob().complete(agent, running.remove(0).leaseId());
        f.app.finishJob().complete(agent, running.remove(0).leaseId());
        List<LeaseGrant> one = leaseAll();
        assertThat(one).extracting(g -> g.job().id()).as("one at a time now, oldest first").containsExactly(waiting.get(0).id());
        running.addAll(one);
        beat(running);

        f.clock.advance(Duration.ofSeconds(30));
        beat(running);
        assertThat(leaseAll()).extracting(g -> g.job().id()).as("one more after a step").containsExactly(waiting.get(1).id());

        f.clock.advance(Duration.ofSeconds(30));
        beat(running);
        assertThat(f.app.admin().throttled()).as("back past the two it ran when throttled: over").isEmpty();
        assertThat(leaseAll()).extracting(g -> g.job().id()).containsExactly(waiting.get(2).id());
    }

    @Test
    void aLeaseMayReportOnlyAnOrganisationItsJobTouches() {
        f.register("agent-1", "westeurope", "shared", 1, "azure-devops");
        submit("northwind");
        LeaseGrant lease = leaseAll().get(0);

        assertThatThrownBy(() -> f.app.throttleReports().report(agent, lease.leaseId(), "dev.azure.com:adatum",
                Duration.ofSeconds(60), null))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.errors()).extracting(x -> x.field()).containsExactly("organisation"));
        assertThat(f.tenants.throttles()).isEmpty();
        assertThatThrownBy(() -> f.app.throttleReports().report(DispatchFixture.agentIdentity("agent-2"), lease.leaseId(), NORTHWIND,
                Duration.ofSeconds(60), null)).isInstanceOf(io.controlplane.domain.LeaseLostException.class);
        assertThat(f.tenants.throttles()).isEmpty();
    }
}
