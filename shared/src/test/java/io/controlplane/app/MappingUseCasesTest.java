package io.controlplane.app;

import static io.controlplane.domain.JobSpecs.aJobSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.domain.FieldError;
import io.controlplane.domain.IdMapping;
import io.controlplane.domain.Job;
import io.controlplane.domain.JobNotFoundException;
import io.controlplane.domain.LeaseLostException;
import io.controlplane.domain.ValidationException;
import io.controlplane.ports.MappingStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MappingUseCasesTest {

    private static final String SCOPE = "contoso-alpha-to-fabrikam-beta";
    private static final FindMappings.Query ALL = new FindMappings.Query(null, null, null, 50, null);

    private final DispatchFixture f = new DispatchFixture();
    private final Caller agent = DispatchFixture.agentIdentity("agent-1");

    @AfterEach
    void close() {
        f.close();
    }

    private static IdMapping wi(String source, String target) {
        return new IdMapping("workItem", source, target);
    }

    private LeaseGrant leased(Job job) {
        f.register("agent-1", "westeurope", "shared", 2, "azure-devops");
        LeaseGrant grant = f.lease("agent-1").orElseThrow();
        assertThat(grant.job().id()).isEqualTo(job.id());
        return grant;
    }

    private static List<String> fields(ValidationException e) {
        return e.errors().stream().map(FieldError::field).toList();
    }

    @Test
    void mappingsGoToTheScopeTheSpecNamesAndTheNextJobOfThatScopeFindsThem() {
        Job first = f.submit("contoso", aJobSpec().build());
        LeaseGrant lease = leased(first);

        MappingStore.Recorded recorded = f.app.recordMappings().record(agent, lease.leaseId(), List.of(wi("1", "101"), wi("2", "102")));

        assertThat(recorded).isEqualTo(new MappingStore.Recorded(2, 0));
        assertThat(f.mappings.findBySource("contoso", SCOPE, "workItem", "2")).contains(wi("2", "102"));
        f.app.finishJob().complete(agent, lease.leaseId());
        Job second = f.submit("contoso", aJobSpec().build());
        LeaseGrant next = f.lease("agent-1").orElseThrow();
        assertThat(next.job().id()).isEqualTo(second.id());
        assertThat(f.app.findMappings().forLease(agent, next.leaseId(),
                new FindMappings.Query("workItem", null, "101", 50, null)).items()).containsExactly(wi("1", "101"));
    }

    @Test
    void aJobWithoutANamedScopeKeepsItsMappingsToItself() {
        Job job = f.submit("contoso", aJobSpec().withMappingScope(null).build());
        LeaseGrant lease = leased(job);

        f.app.recordMappings().record(agent, lease.leaseId(), List.of(wi("1", "101")));

        assertThat(f.mappings.findBySource("contoso", job.id(), "workItem", "1")).contains(wi("1", "101"));
        assertThat(f.mappings.findBySource("contoso", SCOPE, "workItem", "1")).isEmpty();
        assertThat(f.app.findMappings().forJob(DispatchFixture.client("contoso"), job.id(), ALL).items())
                .containsExactly(wi("1", "101"));
    }

    @Test
    void aLostLeaseRecordsNothing() {
        Job job = f.submit("contoso", aJobSpec().build());
        LeaseGrant lease = leased(job);
        f.clock.advance(f.settings.leaseDuration().plus(Duration.ofSeconds(1)));

        assertThatThrownBy(() -> f.app.recordMappings().record(agent, lease.leaseId(), List.of(wi("1", "101"))))
                .isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> f.app.recordMappings().record(DispatchFixture.agentIdentity("agent-2"), "forged",
                List.of(wi("1", "101")))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(() -> f.app.findMappings().forLease(agent, lease.leaseId(), ALL))
                .isInstanceOf(LeaseLostException.class);
        assertThat(f.mappings.list("contoso", SCOPE, null, 50, null).items()).isEmpty();
    }

    @Test
    void anotherAgentCannotRecordOnTheLease() {
        Job job = f.submit("contoso", aJobSpec().build());
        LeaseGrant lease = leased(job);
        f.register("agent-2", "westeurope", "shared", 1, "azure-devops");

        assertThatThrownBy(() -> f.app.recordMappings().record(DispatchFixture.agentIdentity("agent-2"), lease.leaseId(),
                List.of(wi("1", "101")))).isInstanceOf(LeaseLostException.class);
        assertThat(f.mappings.findBySource("contoso", SCOPE, "workItem", "1")).isEmpty();
    }

    @Test
    void aClientReadsItsOwnTenantsJobsOnly() {
        Job job = f.submit("contoso", aJobSpec().build());
        f.app.recordMappings().record(agent, leased(job).leaseId(), List.of(wi("1", "101")));

        assertThat(f.app.findMappings().forJob(DispatchFixture.client("contoso"), job.id(),
                new FindMappings.Query("workItem", "1", null, 50, null)).items()).containsExactly(wi("1", "101"));
        assertThatThrownBy(() -> f.app.findMappings().forJob(DispatchFixture.client("fabrikam"), job.id(), ALL))
                .isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void aLookupWithBothIdsFindsThePairOnlyIfItIsThatPair() {
        Job job = f.submit("contoso", aJobSpec().build());
        LeaseGrant lease = leased(job);
        f.app.recordMappings().record(agent, lease.leaseId(), List.of(wi("1", "101")));

        assertThat(f.app.findMappings().forLease(agent, lease.leaseId(),
                new FindMappings.Query("workItem", "1", "101", 50, null)).items()).containsExactly(wi("1", "101"));
        assertThat(f.app.findMappings().forLease(agent, lease.leaseId(),
                new FindMappings.Query("workItem", "1", "999", 50, null)).items()).isEmpty();
    }

    @Test
    void everyInvalidItemIsReportedAtOnceAndNothingIsRecorded() {
        Job job = f.submit("contoso", aJobSpec().build());
        LeaseGrant lease = leased(job);
        List<IdMapping> items = new ArrayList<>(List.of(
                wi("1", "101"),
                new IdMapping("work item", "", "a|b"),
                new IdMapping(null, "x".repeat(257), "c/d"),
                new IdMapping("workItem", "ok", null)));
        items.add(null);

        assertThatThrownBy(() -> f.app.recordMappings().record(agent, lease.leaseId(), items))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(fields(e)).containsExactly(
                        "items[1].type", "items[1].sourceId", "items[1].targetId",
                        "items[2].type", "items[2].sourceId", "items[2].targetId",
                        "items[3].targetId", "items[4]"));
        assertThat(f.mappings.list("contoso", SCOPE, null, 50, null).items()).isEmpty();
    }

    @Test
    void aCallHoldsOneToAThousandItems() {
        List<IdMapping> tooMany = Collections.nCopies(1001, wi("1", "101"));

        assertThatThrownBy(() -> f.app.recordMappings().record(agent, "any", List.of()))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(fields(e)).containsExactly("items"));
        assertThatThrownBy(() -> f.app.recordMappings().record(agent, "any", tooMany))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(fields(e)).containsExactly("items"));
    }

    @Test
    void aQueryIsCheckedWhole() {
        assertThat(new FindMappings.Query(null, "1", "2", 0, null).problems()).extracting(FieldError::field)
                .containsExactly("type", "limit");
        assertThat(new FindMappings.Query("bad type", "a#b", null, 501, null).problems()).extracting(FieldError::field)
                .containsExactly("type", "sourceId", "limit");
        assertThat(new FindMappings.Query("workItem", "1", null, 500, null).problems()).isEmpty();
    }
}
