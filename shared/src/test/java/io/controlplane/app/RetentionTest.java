package io.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.config.TenancySettings;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobSpecs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The retention purge: finished jobs older than RETENTION_DAYS go, with what is stored beside them. */
class RetentionTest {

    private final DispatchFixture f = new DispatchFixture(Map.of(TenancySettings.RETENTION_DAYS, "30",
            TenancySettings.RETENTION_PURGE_MINUTES, "60"));
    private final Caller client = DispatchFixture.client("contoso");

    @AfterEach
    void close() {
        f.close();
    }

    private Job finishedWithMappings(String scope) {
        Job job = f.app.submitJob().submit(client, JobSpecs.aJobSpec().withMappingScope(scope).build());
        f.register("agent-" + scope, "westeurope", "shared", 1, "azure-devops");
        LeaseGrant lease = f.lease("agent-" + scope).orElseThrow();
        f.app.recordMappings().record(DispatchFixture.agentIdentity("agent-" + scope), lease.leaseId(),
                List.of(new IdMapping("workItem", "1", "101")));
        f.app.finishJob().complete(DispatchFixture.agentIdentity("agent-" + scope), lease.leaseId());
        return f.job(job);
    }

    @Test
    void aFinishedJobIsPurgedOnceItsRetentionHasPassedAndNotBefore() {
        Job old = finishedWithMappings("old-scope");
        Job running = f.app.submitJob().submit(client, JobSpecs.aJobSpec().withCapabilities("git").build());

        f.clock.advance(Duration.ofDays(30).minusMinutes(30));
        assertThat(f.app.retention().purgeIfDue()).as("30 minutes before its retention ends").isZero();

        f.clock.advance(Duration.ofMinutes(31));
        assertThat(f.app.retention().purgeIfDue()).as("retention over, but an hour has not passed since the last run").isZero();

        f.clock.advance(Duration.ofMinutes(30));
        Job recent = finishedWithMappings("recent-scope");
        assertThat(f.app.retention().purgeIfDue()).isEqualTo(1);

        assertThat(f.jobs.find("contoso", old.id())).isEmpty();
        assertThat(f.jobs.history("contoso", old.id())).isEmpty();
        assertThat(f.mappings.findBySource("contoso", "old-scope", "workItem", "1")).isEmpty();
        assertThat(f.jobs.find("contoso", recent.id())).as("finished just now").isPresent();
        assertThat(f.mappings.findBySource("contoso", "recent-scope", "workItem", "1")).isPresent();
        assertThat(f.jobs.find("contoso", running.id())).as("never finished: kept however old").isPresent();
    }

    @Test
    void aPassWithMoreToPurgeThanItMayTakeRunsAgainAtOnce() {
        int jobs = Retention.PAGE * Retention.PAGES_PER_RUN + 5;
        for (int i = 0; i < jobs; i++) {
            Job job = f.app.submitJob().submit(client, JobSpecs.aJobSpec().build());
            f.app.cancelJob().cancel(client, job.id(), null);
        }
        f.clock.advance(Duration.ofDays(31));

        assertThat(f.app.retention().purgeIfDue()).isEqualTo(Retention.PAGE * Retention.PAGES_PER_RUN);
        assertThat(f.app.retention().purgeIfDue()).as("not held back by the interval").isEqualTo(5);
        assertThat(f.jobs.list("contoso", io.controlplane.ports.JobFilter.none(), 10, null).items()).isEmpty();
    }

    @Test
    void zeroDaysKeepsFinishedJobs() {
        DispatchFixture keeping = new DispatchFixture(Map.of(TenancySettings.RETENTION_DAYS, "0"));
        Job job = keeping.app.submitJob().submit(client, JobSpecs.aJobSpec().build());
        keeping.app.cancelJob().cancel(client, job.id(), null);
        keeping.clock.advance(Duration.ofDays(3650));

        assertThat(keeping.app.retention().purgeIfDue()).isZero();
        assertThat(keeping.jobs.find("contoso", job.id())).isPresent();
        keeping.close();
    }

    @Test
    void settingsAreCheckedAllAtOnce() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TenancySettings.from(Map.of(
                        TenancySettings.RETENTION_DAYS, "-1", TenancySettings.RETENTION_PURGE_MINUTES, "x",
                        TenancySettings.REQUIRE_ENTITLEMENT, "yes")))
                .hasMessageContaining(TenancySettings.RETENTION_DAYS).hasMessageContaining(TenancySettings.RETENTION_PURGE_MINUTES)
                .hasMessageContaining(TenancySettings.REQUIRE_ENTITLEMENT);
        assertThat(TenancySettings.from(Map.of(TenancySettings.REQUIRE_ENTITLEMENT, "TRUE")).requireEntitlement()).isTrue();
        assertThat(Set.of(TenancySettings.defaults().retention())).containsExactly(Duration.ofDays(90));
    }
}
