package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.domain.Endpoint;
import io.controlplane.domain.EndpointType;
import io.controlplane.domain.HistoryEntry;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobState;
import io.controlplane.domain.OrganisationLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's limit on the jobs running at once against one organisation: with free agents for
 * every job, six jobs against an organisation limited to two run two at a time, the others
 * starting as each finishes, and jobs for another organisation are not held up.
 */
abstract class OrganisationLimitTest {

    /** The stores the scenarios run on. */
    protected abstract UseCases.Stores stores();

    private final DispatchFixture f = new DispatchFixture(stores(), Map.of());

    @AfterEach
    void close() {
        f.close();
    }

    private static Endpoint ado(String organisation) {
        return new Endpoint(EndpointType.AzureDevOps, "https://dev.azure.com/" + organisation, "P", null);
    }

    private Job submit(String source, String target) {
        Job job = f.submit("contoso", aJobSpec().withSource(ado(source)).withTarget(ado(target)).build());
        f.clock.advance(Duration.ofMillis(1));
        return job;
    }

    /** The most of {@code jobs} that were running at once, from their stored histories. */
    private int mostAtOnce(List<Job> jobs) {
        record Change(java.time.Instant at, int delta) {
        }
        List<Change> changes = new ArrayList<>();
        for (Job job : jobs) {
            for (HistoryEntry entry : f.jobs.history(job.tenantId(), job.id())) {
                if (entry.to() == JobState.Assigned) {
                    changes.add(new Change(entry.at(), 1));
                } else if (entry.to().isTerminal() || entry.to() == JobState.Queued && entry.from() != null) {
                    changes.add(new Change(entry.at(), -1));
                }
            }
        }
        changes.sort(java.util.Comparator.comparing(Change::at).thenComparingInt(Change::delta));
        int now = 0;
        int most = 0;
        for (Change c : changes) {
            now += c.delta();
            most = Math.max(most, now);
        }
        return most;
    }

    @Test
    void sixJobsAgainstAnOrganisationLimitedToTwoRunTwoAtATimeAndOthersAreNotHeldUp() {
        f.app.admin().limit(new OrganisationLimit("dev.azure.com:northwind", 2));
        List<Job> limited = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            limited.add(submit("northwind", "fabrikam"));
        }
        Job other = submit("adatum", "fabrikam");
        f.register("agent-1", "westeurope", "shared", 10, "azure-devops");
        Caller agent = DispatchFixture.agentIdentity("agent-1");

        List<LeaseGrant> first = new ArrayList<>();
        for (Optional<LeaseGrant> g = f.lease("agent-1"); g.isPresent(); g = f.lease("agent-1")) {
            first.add(g.get());
        }
        assertThat(first).extracting(g -> g.job().id()).as("two of the limited jobs, and the other organisation's")
                .containsExactlyInAnyOrder(limited.get(0).id(), limited.get(1).id(), other.id());

        List<String> order = new ArrayList<>();
        java.util.Deque<LeaseGrant> running = new java.util.ArrayDeque<>(first.stream()
                .filter(g -> !g.job().id().equals(other.id())).toList());
        while (!running.isEmpty()) {
            f.clock.advance(Duration.ofSeconds(1));
            f.app.finishJob().complete(agent, running.pollFirst().leaseId());
            for (Optional<LeaseGrant> g = f.lease("agent-1"); g.isPresent(); g = f.lease("agent-1")) {
                running.add(g.get());
                order.add(g.get().job().id());
            }
        }

        assertThat(order).as("the rest started as each finished, oldest first")
                .containsExactly(limited.get(2).id(), limited.get(3).id(), limited.get(4).id(), limited.get(5).id());
        assertThat(limited).allSatisfy(j -> assertThat(f.job(j).state()).isEqualTo(JobState.Completed));
        assertThat(mostAtOnce(limited)).as("never more than two running at once, by their histories").isEqualTo(2);
    }

    @Test
    void aTenantsOwnLimitHoldsOnlyItsJobsAndTheOperatorsLimitStillBindsEveryone() {
        f.app.tenantOrganisations().limit(DispatchFixture.client("contoso"), "dev.azure.com:northwind", 1);
        List<Job> own = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            own.add(submit("northwind", "fabrikam"));
        }
        Job another = f.submit("adatum-corp", aJobSpec().withSource(ado("northwind")).withTarget(ado("fabrikam")).build());
        f.clock.advance(Duration.ofMillis(1));
        Job anotherToo = f.submit("adatum-corp", aJobSpec().withSource(ado("northwind")).withTarget(ado("fabrikam")).build());
        f.register("agent-1", "westeurope", "shared", 10, "azure-devops");

        List<String> leased = new ArrayList<>();
        for (Optional<LeaseGrant> g = f.lease("agent-1"); g.isPresent(); g = f.lease("agent-1")) {
            leased.add(g.get().job().id());
        }
        assertThat(leased).as("one of contoso's (its own limit), every one of the other tenant's")
                .containsExactlyInAnyOrder(own.get(0).id(), another.id(), anotherToo.id());
        assertThat(f.app.dispatcher().whyWaiting(f.job(own.get(1))).orElseThrow())
                .satisfies(w -> {
                    assertThat(w.reason()).isEqualTo("tenant-organisation-limit");
                    assertThat(w.organisation()).isEqualTo("dev.azure.com:northwind");
                    assertThat(w.limit()).isEqualTo(1);
                });

        assertThat(f.app.tenantOrganisations().list(DispatchFixture.client("contoso")))
                .containsExactly(new TenantOrganisations.Status("dev.azure.com:northwind", 1, null));
        assertThat(f.app.tenantOrganisations().list(DispatchFixture.client("adatum-corp"))).as("its own only").isEmpty();
        assertThat(f.app.tenantOrganisations().lift(DispatchFixture.client("adatum-corp"), "dev.azure.com:northwind"))
                .as("another tenant cannot lift it").isFalse();
        assertThat(f.app.tenantOrganisations().lift(DispatchFixture.client("contoso"), "dev.azure.com:northwind")).isTrue();
        assertThat(f.lease("agent-1")).as("lifted: the next of its jobs starts").map(g -> g.job().id()).contains(own.get(1).id());
    }
}
